#pragma once
/// Structural summaries of a periodic configuration: partial pair distribution g_ab(R) and, per
/// coordination shell (a distance window), the coordination number, mean distance and σ²
/// (variance of the distances), averaged over every atom of the central species.
#include <vector>

#include "core/structure/structure.hpp"

namespace xasforge::ensemble {

struct ShellStatistics {
  double r_lo_A = 0.0, r_hi_A = 0.0;
  double coordination = 0.0;  ///< mean number of neighbours in [r_lo, r_hi)
  double mean_r_A = 0.0;
  double sigma2_A2 = 0.0;     ///< variance of the pair distances in the window
};

/// For each window, the neighbours of species z_neighbor around every atom of species z_center.
/// Throws InputError for a non-periodic structure or a window longer than allowed by the cell
/// (all images are included, so any window works).
std::vector<ShellStatistics> shell_statistics(const structure::Structure& s, int z_center, int z_neighbor,
                                              const std::vector<std::pair<double, double>>& windows_A);

/// Shells of the ideal structure: windows around each distinct neighbour distance of species
/// z_neighbor seen from the first atom of z_center, up to r_max_A (midpoints between shells).
std::vector<std::pair<double, double>> shell_windows(const structure::Structure& ideal, int z_center, int z_neighbor,
                                                     double r_max_A);

}  // namespace xasforge::ensemble
