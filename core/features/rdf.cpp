#include "core/features/rdf.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "core/error.hpp"
#include "core/structure/cluster.hpp"

namespace xasforge::features {
namespace {

void check_absorber(const structure::Structure& s, std::size_t absorber) {
  if (absorber >= s.size())
    throw InputError("RDF: absorber site " + std::to_string(absorber) + " is out of range (structure '" + s.name +
                     "' has " + std::to_string(s.size()) + " sites)");
}

}  // namespace

RadialDistribution radial_distribution(const structure::Structure& s, std::size_t absorber,
                                       const std::vector<double>& grid, double sigma) {
  check_absorber(s, absorber);
  if (grid.empty()) throw InputError("RDF: the R grid is empty");
  for (std::size_t k = 0; k < grid.size(); ++k) {
    if (!(grid[k] > 0.0) || !std::isfinite(grid[k]))
      throw InputError("RDF: R grid point " + std::to_string(k) + " is " + std::to_string(grid[k]) +
                       " Å; every R must be a finite number > 0");
    if (k > 0 && !(grid[k] > grid[k - 1]))
      throw InputError("RDF: the R grid must be strictly increasing (point " + std::to_string(k) + ")");
  }
  if (!(sigma >= 0.0) || !std::isfinite(sigma))
    throw InputError("RDF: smearing sigma must be >= 0 Å, got " + std::to_string(sigma));
  double delta = 0.0;
  if (sigma == 0.0) {
    if (grid.size() < 2) throw InputError("RDF: a histogram needs at least two grid points (the bin width)");
    delta = grid[1] - grid[0];
    for (std::size_t k = 1; k < grid.size(); ++k)
      if (std::abs((grid[k] - grid[k - 1]) - delta) > 1e-9 * delta)
        throw InputError("RDF: a histogram (sigma = 0) needs a uniform R grid; spacing at point " +
                         std::to_string(k) + " differs");
  }
  const double reach = sigma > 0.0 ? grid.back() + 6.0 * sigma : grid.back() + 0.5 * delta;
  const auto atoms = structure::build_cluster(s, absorber, reach);

  RadialDistribution out;
  out.r_A = grid;
  const std::size_t n = grid.size();
  out.n_total_perA.assign(n, 0.0);
  std::map<int, int> count_in_cell;
  for (const auto& site : s.sites()) ++count_in_cell[site.z];
  for (const auto& [z, c] : count_in_cell) out.n_partial_perA[z].assign(n, 0.0);

  for (std::size_t a = 1; a < atoms.size(); ++a) {
    const double r = atoms[a].distance_A;
    auto& partial = out.n_partial_perA[atoms[a].z];
    if (sigma > 0.0) {
      const double norm = 1.0 / (std::sqrt(2.0 * std::numbers::pi) * sigma);
      for (std::size_t k = 0; k < n; ++k) {
        const double x = (grid[k] - r) / sigma;
        if (std::abs(x) > 12.0) continue;
        const double v = norm * std::exp(-0.5 * x * x);
        out.n_total_perA[k] += v;
        partial[k] += v;
      }
    } else {
      const double f = (r - (grid[0] - 0.5 * delta)) / delta;
      if (f < 0.0) continue;
      const auto k = static_cast<std::size_t>(std::floor(f));
      if (k >= n) continue;
      out.n_total_perA[k] += 1.0 / delta;
      partial[k] += 1.0 / delta;
    }
  }

  if (s.is_periodic()) {
    const double volume = s.lattice().volume_A3();
    auto shell = [&](std::size_t k) {
      if (sigma > 0.0) return 4.0 * std::numbers::pi * grid[k] * grid[k];
      const double lo = grid[k] - 0.5 * delta, hi = grid[k] + 0.5 * delta;
      // (V_k / Δ): the histogram's n is count/Δ, so g = n Δ / (ρ V_k).
      return 4.0 / 3.0 * std::numbers::pi * (hi * hi * hi - std::pow(std::max(lo, 0.0), 3)) / delta;
    };
    const double rho = static_cast<double>(s.size()) / volume;
    out.g_total.assign(n, 0.0);
    for (std::size_t k = 0; k < n; ++k) out.g_total[k] = out.n_total_perA[k] / (shell(k) * rho);
    for (const auto& [z, c] : count_in_cell) {
      const double rho_z = static_cast<double>(c) / volume;
      auto& g = out.g_partial[z];
      g.assign(n, 0.0);
      for (std::size_t k = 0; k < n; ++k) g[k] = out.n_partial_perA[z][k] / (shell(k) * rho_z);
    }
  }
  return out;
}

ShellCoordination shell_coordination(const structure::Structure& s, std::size_t absorber, double r_min_A,
                                     double r_max_A) {
  check_absorber(s, absorber);
  if (!(r_min_A >= 0.0) || !(r_max_A > r_min_A) || !std::isfinite(r_max_A))
    throw InputError("shell coordination: need 0 <= r_min < r_max (Å), got r_min " + std::to_string(r_min_A) +
                     ", r_max " + std::to_string(r_max_A));
  ShellCoordination out;
  out.r_min_A = r_min_A;
  out.r_max_A = r_max_A;
  const auto atoms = structure::build_cluster(s, absorber, r_max_A);
  for (std::size_t a = 1; a < atoms.size(); ++a)
    if (atoms[a].distance_A > r_min_A) {
      ++out.total;
      ++out.by_element[atoms[a].z];
    }
  return out;
}

}  // namespace xasforge::features
