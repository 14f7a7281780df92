#include "core/structure/validate.hpp"

#include <array>
#include <cmath>
#include <unordered_map>
#include <vector>
#include <cstdio>
#include <string>

#include "core/elements/element.hpp"
#include "core/error.hpp"

namespace xasforge::structure {
namespace {

// Positions beyond 1e7 Å are typos (or a mutated file); bounding them keeps the hash grid's
// integer cell indices far from overflow.
constexpr double kMaxCoordinate_A = 1e7;

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
  // Hash grid of cell size limit_A over the sites and, for a crystal, the periodic images that
  // fall within limit_A of the home cell: O(N) for any cell or cluster size.
  struct Point {
    std::size_t site;
    bool is_home;
    Eigen::Vector3d r_A;
  };
  std::vector<Point> points;
  if (!s.is_periodic()) {
    for (std::size_t i = 0; i < s.size(); ++i) points.push_back({i, true, s.site(i).cartesian_A});
  } else {
    const Lattice& lat = s.lattice();
    const Eigen::Matrix3d recip = lat.matrix_A().inverse();  // columns: reciprocal vectors (no 2 pi)
    Eigen::Vector3d skin;  // limit_A in fractional units along each axis (distance between planes)
    int n[3];
    for (int k = 0; k < 3; ++k) {
      skin[k] = limit_A * recip.col(k).norm();
      // A lattice plane spacing below limit_A / 1000 would need > 1e9 images; say so instead.
      if (!(skin[k] <= 1000.0))
        throw InputError((s.source.empty() ? s.name : s.source) + ": lattice plane spacing along axis " +
                         std::to_string(k) + " is " + std::to_string(1.0 / recip.col(k).norm()) +
                         " Å, too thin for a crystal");
      n[k] = static_cast<int>(std::ceil(skin[k])) + 1;
    }
    for (std::size_t i = 0; i < s.size(); ++i) {
      Eigen::Vector3d f = s.site(i).fractional;
      for (int k = 0; k < 3; ++k) f[k] -= std::floor(f[k]);
      for (int a = -n[0]; a <= n[0]; ++a)
        for (int b = -n[1]; b <= n[1]; ++b)
          for (int c = -n[2]; c <= n[2]; ++c) {
            const Eigen::Vector3d g = f + Eigen::Vector3d(a, b, c);
            const bool is_home = a == 0 && b == 0 && c == 0;
            if (!is_home && ((g.array() < -skin.array()).any() || (g.array() > 1.0 + skin.array()).any())) continue;
            points.push_back({i, is_home, lat.to_cartesian_A(g)});
          }
    }
  }
  using Key = std::array<long long, 3>;
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      // Unsigned arithmetic: wrap-around is defined (negative cells and overflow are harmless).
      const auto u = [](long long v) { return static_cast<unsigned long long>(v); };
      return static_cast<std::size_t>(u(k[0]) * 73856093ULL ^ u(k[1]) * 19349663ULL ^ u(k[2]) * 83492791ULL);
    }
  };
  for (const Point& p : points)
    if (!(p.r_A.cwiseAbs().maxCoeff() <= 1e6 * kMaxCoordinate_A))
      throw InputError((s.source.empty() ? s.name : s.source) + ": site " + std::to_string(p.site) +
                       " has a non-finite or huge coordinate");
  if (!(limit_A >= 1e-3)) throw InputError("closest_pair_within: the distance limit must be at least 1e-3 Å");
  auto key_of = [limit_A](const Eigen::Vector3d& r) {
    return Key{static_cast<long long>(std::floor(r[0] / limit_A)), static_cast<long long>(std::floor(r[1] / limit_A)),
               static_cast<long long>(std::floor(r[2] / limit_A))};
  };
  std::unordered_map<Key, std::vector<std::size_t>, KeyHash> grid;
  for (std::size_t p = 0; p < points.size(); ++p) grid[key_of(points[p].r_A)].push_back(p);

  std::optional<SitePair> best;
  const double limit2 = limit_A * limit_A;
  for (const Point& home : points) {
    if (!home.is_home) continue;
    const Key k = key_of(home.r_A);
    for (long long dx = -1; dx <= 1; ++dx)
      for (long long dy = -1; dy <= 1; ++dy)
        for (long long dz = -1; dz <= 1; ++dz) {
          const auto it = grid.find(Key{k[0] + dx, k[1] + dy, k[2] + dz});
          if (it == grid.end()) continue;
          for (std::size_t q : it->second) {
            const Point& other = points[q];
            // Each pair once: i < j, or a site and one of its own images.
            if (other.site < home.site || (other.site == home.site && other.is_home)) continue;
            const double d2 = (other.r_A - home.r_A).squaredNorm();
            if (d2 >= limit2) continue;
            const double d = std::sqrt(d2);
            // Deterministic choice: shortest distance, then lowest (i, j).
            if (!best || d < best->distance_A ||
                (d == best->distance_A && std::pair(home.site, other.site) < std::pair(best->i, best->j)))
              best = SitePair{home.site, other.site, d};
          }
        }
  }
  return best;
}

void validate_structure(const Structure& s, const ValidationOptions& options) {
  const std::string where = s.source.empty() ? (s.name.empty() ? std::string("structure") : s.name) : s.source;
  if (s.size() == 0) throw InputError(where + ": structure has no sites (empty structure)");
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!s.site(i).cartesian_A.allFinite() || !s.site(i).fractional.allFinite())
      throw InputError(where + ": " + site_name(s, i) + " has a non-finite coordinate (NaN or inf)");
    if (s.site(i).cartesian_A.cwiseAbs().maxCoeff() > kMaxCoordinate_A)
      throw InputError(where + ": " + site_name(s, i) + " lies " +
                       fixed(s.site(i).cartesian_A.cwiseAbs().maxCoeff(), 1) + " Å from the origin, beyond the supported " +
                       fixed(kMaxCoordinate_A, 0) + " Å");
  }
  if (s.is_periodic() && options.require_right_handed && !s.lattice().is_right_handed())
    throw InputError(where + ": the lattice is left-handed (a · (b × c) = " +
                     fixed(s.lattice().matrix_A().determinant(), 4) +
                     " Å³ < 0); swap two lattice vectors or negate one");
  if (options.min_distance_A <= 0.0) return;  // distance check switched off
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
