#pragma once
/// Radial distribution labels around an absorbing site: total and partial (by neighbour element)
/// g(R) on a given R grid, and coordination numbers within shells.
#include <cstddef>
#include <map>
#include <vector>

#include "core/structure/structure.hpp"

namespace xasforge::features {

struct RadialDistribution {
  std::vector<double> r_A;                           ///< the grid (Å)
  std::vector<double> n_total_perA;                  ///< n(R): neighbours per Å at R
  std::map<int, std::vector<double>> n_partial_perA; ///< n_Z(R) for every element Z of the structure
  std::vector<double> g_total;                       ///< g(R) = n(R) / (4πR² ρ), ρ = N/V; periodic only
  std::map<int, std::vector<double>> g_partial;      ///< g_Z(R) = n_Z(R) / (4πR² ρ_Z), ρ_Z = N_Z/V
};

/// The absorber-centred radial distribution on `r_grid_A` (strictly increasing, all > 0; the
/// absorber itself is not counted).
///
/// smearing_sigma_A = 0: histogram. The grid must be uniform (spacing Δ, relative tolerance 1e-9);
///   point R_k stands for the bin [R_k − Δ/2, R_k + Δ/2); n = count/Δ and g = count / (ρ V_k) with
///   V_k = 4π/3((R_k+Δ/2)³ − (R_k−Δ/2)³) the exact shell volume.
/// smearing_sigma_A > 0: each neighbour at r_j adds a normalised Gaussian
///   exp(−(R − r_j)²/2σ²)/(√(2π)σ) to n(R) (neighbours up to max R + 6σ); g = n/(4πR²ρ). Any
///   increasing grid.
/// For a structure without a lattice only n(R) is filled (no number density). Throws InputError
/// for an absorber out of range or an invalid grid or σ.
RadialDistribution radial_distribution(const structure::Structure& structure, std::size_t absorber,
                                       const std::vector<double>& r_grid_A, double smearing_sigma_A = 0.0);

struct ShellCoordination {
  double r_min_A = 0.0;
  double r_max_A = 0.0;
  int total = 0;                 ///< neighbours with r_min < r <= r_max
  std::map<int, int> by_element; ///< the same by neighbour Z (only elements present)
};

/// Neighbours of `absorber` with r_min_A < r <= r_max_A (1e-8 Å slack at the upper edge, as the
/// cluster builder). Throws InputError unless 0 <= r_min_A < r_max_A.
ShellCoordination shell_coordination(const structure::Structure& structure, std::size_t absorber, double r_min_A,
                                     double r_max_A);

}  // namespace xasforge::features
