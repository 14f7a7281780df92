#pragma once
/// CrystalNN coordination numbers (Pan et al., Inorg. Chem. 60, 1590 (2021)) with pymatgen
/// 2022.11's defaults; the algorithm step by step is docs/physics.md §7.1 (Pan et al., Inorg. Chem. 60,
/// 1590 (2021); (E7.1)–(E7.3)).
#include <cstddef>
#include <map>
#include <vector>

#include <Eigen/Dense>

#include "core/structure/structure.hpp"

namespace xasforge::features {

struct CrystalNNOptions {
  bool weighted_cn = false;          ///< pymatgen's weighted_cn: neighbour weight = Σ P(CN) of sets holding it
  bool use_distance_cutoffs = true;  ///< distance_cutoffs not None
  double distance_cutoff_low_A = 0.5;   ///< distance_cutoffs[0] (Å beyond the radius sum)
  double distance_cutoff_high_A = 1.0;  ///< distance_cutoffs[1]
  double x_diff_weight = 3.0;        ///< electronegativity weighting (0 switches it off)
  bool porous_adjustment = true;
  double search_cutoff_A = 7.0;      ///< first neighbour search radius (doubled when the cell is open)
};

struct CrystalNNNeighbor {
  std::size_t site = 0;             ///< index of the neighbour's site in the structure
  int z = 0;
  Eigen::Vector3i image{0, 0, 0};   ///< lattice translation of that site
  Eigen::Vector3d position_A;       ///< position relative to the centre (Å)
  double distance_A = 0.0;
  double weight = 0.0;              ///< CrystalNN weight after all adjustments, rounded to 3 decimals
  double cn_weight = 0.0;           ///< Σ P(CN_i) over the CN sets holding this neighbour
};

struct CrystalNNResult {
  std::size_t site = 0;
  int cn = 0;                                  ///< the most probable CN (unweighted mode)
  double cn_weighted = 0.0;                    ///< Σ cn_weight over all neighbours (weighted mode CN)
  std::map<int, double> cn_probabilities;      ///< P(CN) for every CN with a candidate set (and 0)
  std::vector<CrystalNNNeighbor> neighbors;    ///< the neighbour set of the chosen CN, by weight
  std::vector<CrystalNNNeighbor> candidates;   ///< every neighbour with non-zero weight, by weight
  double search_cutoff_used_A = 0.0;           ///< the radius whose neighbours closed the cell
};

/// CrystalNN for site `site` of a periodic structure. Throws InputError for a site out of range,
/// a non-periodic structure or invalid options; PhysicsError if the Voronoi cell stays open up to
/// the longest cell diagonal (pymatgen's "max cutoff exceeded").
CrystalNNResult crystal_nn(const structure::Structure& structure, std::size_t site,
                           const CrystalNNOptions& options = {});

/// Python's round(x, 3): correctly rounded to the nearest multiple of 0.001 of the exact binary
/// value, ties to even (pymatgen rounds the weights with it).
double round_to_3_decimals(double x);

/// pymatgen's _semicircle_integral: the area under the unit quarter circle between x2 < x1,
/// A(x) = ½(x·sqrt(1−x²) + atan(x/sqrt(1−x²))), divided by π/4 (A(1) = π/4 exactly).
double semicircle_probability(double x1, double x2);

}  // namespace xasforge::features
