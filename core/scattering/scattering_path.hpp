#pragma once
/// One multiple-scattering path: absorber -> scatterers -> absorber, with its degeneracy.
/// Conventions: docs/PHYSICS.md §2 (path finder) and §3 (F_eff).
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
  double reff_A = 0.0;          ///< half path length
  double pw_importance = 0.0;   ///< plane-wave criterion, % of the first path (FEFF crit.dat)
  int index = 0;                ///< 1-based index as in FEFF's paths.dat
  int n_legs() const { return static_cast<int>(scatterers_A.size()) + 1; }
};

}  // namespace xasforge::scattering
