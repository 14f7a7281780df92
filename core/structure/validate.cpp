#include "core/structure/validate.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "core/elements/element.hpp"
#include "core/error.hpp"

namespace xasforge::structure {
namespace {

std::string site_name(const Structure& s, std::size_t i) {
  const Site& site = s.site(i);
  std::string out = "site " + std::to_string(i) + " (" + std::string(elements::element(site.z).symbol);
  if (!site.label.empty() && site.label != elements::element(site.z).symbol) out += ", label " + site.label;
  return out + ")";
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

std::optional<SitePair> closest_pair_within(const Structure& s, double limit_A) {
  std::optional<SitePair> best;
  const double limit2 = limit_A * limit_A;
  auto consider = [&](std::size_t i, std::size_t j, double d2) {
    if (d2 < limit2 && (!best || d2 < best->distance_A * best->distance_A)) best = SitePair{i, j, std::sqrt(d2)};
  };
  if (!s.is_periodic()) {
    for (std::size_t i = 0; i < s.size(); ++i)
      for (std::size_t j = i + 1; j < s.size(); ++j)
        consider(i, j, (s.site(i).cartesian_A - s.site(j).cartesian_A).squaredNorm());
    return best;
  }
  const Lattice& lat = s.lattice();
  // Images to search: after wrapping the fractional difference into [-0.5, 0.5], every image
  // within limit_A lies within ceil(limit_A / plane spacing) + 1 cells along each axis.
  const Eigen::Matrix3d recip = lat.matrix_A().inverse();
  int n[3];
  for (int k = 0; k < 3; ++k) {
    const double planes = std::ceil(limit_A * recip.col(k).norm()) + 1;
    // A lattice plane spacing below limit_A / 1000 would need > 1e9 images; say so instead.
    if (!(planes <= 1000))
      throw InputError((s.source.empty() ? s.name : s.source) + ": lattice plane spacing along axis " +
                       std::to_string(k) + " is " + std::to_string(1.0 / recip.col(k).norm()) +
                       " Å, too thin for a crystal");
    n[k] = static_cast<int>(planes);
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    for (std::size_t j = i; j < s.size(); ++j) {
      Eigen::Vector3d df = s.site(j).fractional - s.site(i).fractional;
      for (int k = 0; k < 3; ++k) df[k] -= std::round(df[k]);
      for (int a = -n[0]; a <= n[0]; ++a)
        for (int b = -n[1]; b <= n[1]; ++b)
          for (int c = -n[2]; c <= n[2]; ++c) {
            const Eigen::Vector3d f = df + Eigen::Vector3d(a, b, c);
            if (i == j && f.isZero(0.0)) continue;
            consider(i, j, lat.to_cartesian_A(f).squaredNorm());
          }
    }
  }
  return best;
}

void validate_structure(const Structure& s, const ValidationOptions& options) {
  const std::string where = s.source.empty() ? (s.name.empty() ? std::string("structure") : s.name) : s.source;
  if (s.size() == 0) throw InputError(where + ": structure has no sites (empty structure)");
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!s.site(i).cartesian_A.allFinite() || !s.site(i).fractional.allFinite())
      throw InputError(where + ": " + site_name(s, i) + " has a non-finite coordinate (NaN or inf)");
  if (s.is_periodic() && options.require_right_handed && !s.lattice().is_right_handed())
    throw InputError(where + ": the lattice is left-handed (a · (b × c) = " +
                     fixed(s.lattice().matrix_A().determinant(), 4) +
                     " Å³ < 0); swap two lattice vectors or negate one");
  if (auto p = closest_pair_within(s, options.min_distance_A)) {
    if (p->i == p->j)
      throw InputError(where + ": " + site_name(s, p->i) + " is " + fixed(p->distance_A, 4) +
                       " Å from its own periodic image; closest allowed approach is " +
                       fixed(options.min_distance_A, 2) + " Å (a lattice vector is too short)");
    throw InputError(where + ": " + site_name(s, p->j) + " is " + fixed(p->distance_A, 4) + " Å from " +
                     site_name(s, p->i) + "; closest allowed approach is " + fixed(options.min_distance_A, 2) +
                     " Å (duplicated or overlapping atoms?)");
  }
}

}  // namespace xasforge::structure
