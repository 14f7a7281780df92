#pragma once
/// One multiple-scattering path: absorber -> scatterers -> absorber, with its degeneracy.
/// Conventions: docs/physics.md §2 (path finder) and §3 (F_eff).
#include <vector>

#include <Eigen/Dense>

namespace xasforge::scattering {

struct ScatteringPath {
  /// Scatterer positions relative to the absorber (Å), in path order; the absorber (origin) is
  /// implicit at both ends and may also appear inside (e.g. 0 -> A -> 0 -> B -> 0).
  std::vector<Eigen::Vector3d> scatterers_A;
  std::vector<int> ipot;        ///< unique-potential index of each scatterer (0 = absorber)
  std::vector<int> z;           ///< atomic number of each scatterer
  std::vector<double> mass_amu; ///< mass of each scatterer (Debye–Waller models)
  double degeneracy = 1.0;      ///< N_Γ
  double reff_A = 0.0;          ///< half path length (exact, from the representative's geometry)
  double pw_importance = 0.0;   ///< plane-wave criterion, % of the first path (FEFF crit.dat)
  int index = 0;                ///< 1-based index as in FEFF's paths.dat
  /// FEFF's printed reff: half the length of the shortest path of this path's length block
  /// (paths within 1e-3 Å of total length are grouped; docs/physics.md §2.5). Equals reff_A for
  /// crystals up to ~1e-6 Å; may differ by < 5e-4 Å in disordered clusters. Use reff_A for physics.
  double reff_block_A = 0.0;
  /// Index of each scatterer in the atom list given to the path finder (-1 when unknown).
  std::vector<int> atom_index;
  int n_legs() const { return static_cast<int>(scatterers_A.size()) + 1; }
};

}  // namespace xasforge::scattering
