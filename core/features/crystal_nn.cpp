#include "core/features/crystal_nn.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <string>

#include "core/elements/element.hpp"
#include "core/error.hpp"
#include "core/features/voronoi_cell.hpp"
#include "core/structure/cluster.hpp"

namespace xasforge::features {
namespace {

struct Candidate {
  structure::ClusterAtom atom;
  double solid_angle_sr = 0.0;
  double area_A2 = 0.0;
  double weight = 0.0;
};

void validate(const structure::Structure& s, std::size_t site, const CrystalNNOptions& o) {
  if (!s.is_periodic())
    throw InputError("CrystalNN needs a periodic structure; '" + s.name + "' has no lattice");
  if (site >= s.size())
    throw InputError("CrystalNN: site " + std::to_string(site) + " is out of range (structure '" + s.name +
                     "' has " + std::to_string(s.size()) + " sites, valid 0.." +
                     std::to_string(s.size() == 0 ? 0 : s.size() - 1) + ")");
  if (!(o.search_cutoff_A > 0.0) || !std::isfinite(o.search_cutoff_A))
    throw InputError("CrystalNN: search_cutoff must be a positive number of Å, got " +
                     std::to_string(o.search_cutoff_A));
  if (o.use_distance_cutoffs &&
      !(o.distance_cutoff_high_A > o.distance_cutoff_low_A && o.distance_cutoff_low_A >= 0.0))
    throw InputError("CrystalNN: distance cutoffs must satisfy 0 <= low < high, got (" +
                     std::to_string(o.distance_cutoff_low_A) + ", " + std::to_string(o.distance_cutoff_high_A) + ")");
  if (!(o.x_diff_weight >= 0.0))
    throw InputError("CrystalNN: x_diff_weight must be >= 0, got " + std::to_string(o.x_diff_weight));
}

double covalent_radius_or_throw(int z) {
  const double r = elements::element(z).covalent_radius_A;
  if (!std::isfinite(r) || r <= 0.0)
    throw InputError("CrystalNN: no covalent radius for element " + std::string(elements::element(z).symbol));
  return r;
}

/// Longest of the four cell body diagonals + 0.01 Å (pymatgen's max_cutoff).
double max_search_cutoff_A(const structure::Lattice& lat) {
  const Eigen::Vector3d corners[4] = {{1, 1, 1}, {-1, 1, 1}, {1, -1, 1}, {1, 1, -1}};
  double m = 0.0;
  for (const auto& c : corners) m = std::max(m, lat.to_cartesian_A(c).norm());
  return m + 0.01;
}

}  // namespace

double round_to_3_decimals(double x) {
  // printf's conversion is correctly rounded from the exact binary value (glibc), like Python's
  // round(x, 3), so "%.3f" then strtod reproduces it bit for bit, ties included.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", x);
  return std::strtod(buf, nullptr);
}

double semicircle_probability(double x1, double x2) {
  auto area = [](double x) { return 0.5 * (x * std::sqrt(1.0 - x * x) + std::atan(x / std::sqrt(1.0 - x * x))); };
  const double quarter = 0.25 * std::numbers::pi;
  const double a1 = x1 == 1.0 ? quarter : area(x1);
  const double a2 = area(x2);
  return (a1 - a2) / quarter;
}

CrystalNNResult crystal_nn(const structure::Structure& s, std::size_t site, const CrystalNNOptions& o) {
  validate(s, site, o);
  const int z_centre = s.site(site).z;
  CrystalNNResult result;
  result.site = site;

  // 1. Voronoi cell from every atom within the search radius, doubled while the cell is open.
  const double max_cutoff = max_search_cutoff_A(s.lattice());
  double cutoff = o.search_cutoff_A;
  std::vector<structure::ClusterAtom> atoms;
  std::vector<VoronoiFace> faces;
  for (;;) {
    atoms = structure::build_cluster(s, site, cutoff);
    std::vector<Eigen::Vector3d> vectors;
    vectors.reserve(atoms.size());
    for (std::size_t k = 1; k < atoms.size(); ++k) {
      if (atoms[k].distance_A < 1e-6)
        throw InputError("CrystalNN: site " + std::to_string(atoms[k].site) + " of '" + s.name +
                         "' overlaps site " + std::to_string(site) + " (distance < 1e-6 Å)");
      vectors.push_back(atoms[k].position_A);
    }
    auto cell = voronoi_cell_faces(vectors);
    if (cell) {
      faces = std::move(*cell);
      break;
    }
    if (cutoff >= max_cutoff)
      throw PhysicsError("CrystalNN: the Voronoi cell of site " + std::to_string(site) + " of '" + s.name +
                         "' is still open with every atom within the longest cell diagonal (" +
                         std::to_string(max_cutoff) + " Å)");
    cutoff = std::min(cutoff * 2.0, max_cutoff + 0.001);
  }
  result.search_cutoff_used_A = cutoff;

  // 2. Solid-angle weights relative to the largest face (faces of zero solid angle dropped).
  double omega_max = 0.0;
  for (const auto& f : faces) omega_max = std::max(omega_max, f.solid_angle_sr);
  std::vector<Candidate> nn;
  for (const auto& f : faces) {
    if (!(f.solid_angle_sr > 0.0)) continue;
    Candidate c;
    c.atom = atoms[f.neighbor + 1];
    c.solid_angle_sr = f.solid_angle_sr;
    c.area_A2 = f.area_A2;
    c.weight = f.solid_angle_sr / omega_max;
    nn.push_back(c);
  }
  // 3. Porous adjustment and 4. electronegativity difference.
  const double x_centre = elements::element(z_centre).electronegativity;
  for (auto& c : nn) {
    if (o.porous_adjustment) c.weight *= c.solid_angle_sr / c.area_A2;
    if (o.x_diff_weight > 0.0) {
      const double x_other = elements::element(c.atom.z).electronegativity;
      double chemical_weight = 1.0;
      if (!std::isnan(x_centre) && !std::isnan(x_other))
        chemical_weight = 1.0 + o.x_diff_weight * std::sqrt(std::abs(x_centre - x_other) / 3.3);
      c.weight = c.weight * chemical_weight;
    }
  }
  auto by_weight = [](const Candidate& a, const Candidate& b) { return a.weight > b.weight; };
  auto zero_result = [&]() {
    result.cn = 0;
    result.cn_weighted = 0.0;
    result.cn_probabilities = {{0, 1.0}};
    return result;
  };
  std::stable_sort(nn.begin(), nn.end(), by_weight);
  if (nn.empty() || nn.front().weight == 0.0) return zero_result();
  // 5. Renormalise so the largest weight is 1.
  const double highest = nn.front().weight;
  for (auto& c : nn) c.weight = c.weight / highest;
  // 6. Smooth distance cutoff beyond the sum of covalent radii.
  if (o.use_distance_cutoffs) {
    const double r1 = covalent_radius_or_throw(z_centre);
    for (auto& c : nn) {
      const double d = r1 + covalent_radius_or_throw(c.atom.z);
      const double dist = c.atom.distance_A;
      const double low = d + o.distance_cutoff_low_A;
      const double high = d + o.distance_cutoff_high_A;
      double dist_weight = 0.0;
      if (dist <= low)
        dist_weight = 1.0;
      else if (dist < high)
        dist_weight = (std::cos((dist - low) / (high - low) * std::numbers::pi) + 1.0) * 0.5;
      c.weight = c.weight * dist_weight;
    }
  }
  std::stable_sort(nn.begin(), nn.end(), by_weight);
  if (nn.front().weight == 0.0) return zero_result();
  // 7. Round to 3 decimals and drop zero weights.
  for (auto& c : nn) c.weight = round_to_3_decimals(c.weight);
  std::erase_if(nn, [](const Candidate& c) { return !(c.weight > 0.0); });

  // 8. CN probabilities from the distinct weights v_1 > ... > v_m > v_{m+1} = 0.
  std::vector<double> bins;
  for (const auto& c : nn)
    if (bins.empty() || bins.back() != c.weight) bins.push_back(c.weight);
  bins.push_back(0.0);
  std::vector<std::pair<int, double>> ordered;  // insertion order, as pymatgen's dict
  std::vector<double> set_probability_for_weight(nn.size(), 0.0);
  double total = 0.0;
  for (std::size_t i = 0; i + 1 < bins.size(); ++i) {
    int cn = 0;
    for (const auto& c : nn)
      if (c.weight >= bins[i]) ++cn;
    const double p = semicircle_probability(bins[i], bins[i + 1]);
    ordered.emplace_back(cn, p);
    total += p;
  }
  const double p0 = 1.0 - total;
  if (p0 > 0.0) ordered.emplace_back(0, p0);

  // Python's max() over the dict keeps the first maximum.
  int best_cn = ordered.front().first;
  double best_p = ordered.front().second;
  for (const auto& [cn, p] : ordered) {
    result.cn_probabilities[cn] = p;
    if (p > best_p) {
      best_p = p;
      best_cn = cn;
    }
  }
  result.cn = best_cn;

  for (std::size_t k = 0; k < nn.size(); ++k) {
    const auto& c = nn[k];
    CrystalNNNeighbor out;
    out.site = c.atom.site;
    out.z = c.atom.z;
    out.image = c.atom.image;
    out.position_A = c.atom.position_A;
    out.distance_A = c.atom.distance_A;
    out.weight = c.weight;
    for (std::size_t i = 0; i + 1 < bins.size(); ++i)
      if (c.weight >= bins[i]) out.cn_weight += ordered[i].second;
    result.cn_weighted += out.cn_weight;
    result.candidates.push_back(out);
  }
  // The chosen set: the first `cn` candidates (they are sorted by weight, and the set of CN_i
  // is exactly the candidates with weight >= v_i).
  result.neighbors.assign(result.candidates.begin(), result.candidates.begin() + best_cn);
  return result;
}

}  // namespace xasforge::features
