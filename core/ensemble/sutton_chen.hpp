#pragma once
/// Sutton–Chen many-body potential for fcc metals: A. P. Sutton and J. Chen, Phil. Mag. Lett.
/// 61, 139 (1990), Eq. (1)–(3) and Table 1:
///
///   E = ε Σ_i [ ½ Σ_{j≠i} (a/r_ij)^n − c √ρ_i ],   ρ_i = Σ_{j≠i} (a/r_ij)^m.
///
/// The force on atom i from pair (i, j), r = |r_ij|, is along r_ij with
///   dE/dr = ε [ −(n/r)(a/r)^n + c (1/(2√ρ_i) + 1/(2√ρ_j)) (m/r)(a/r)^m ].
/// With `smooth` the two radial functions are shifted-force truncated at the cut-off
/// (g(r) − g(r_c) − (r − r_c) g'(r_c)) so energy and forces are continuous (needed for a small
/// NVE drift); without it they are cut sharply (the published lattice sums are infinite, so
/// reproduce them with a long cut-off).
#include <optional>
#include <string>
#include <vector>

#include "core/ensemble/potential.hpp"

namespace xasforge::ensemble {

struct SuttonChenParameters {
  double epsilon_eV = 0.0;
  double a_A = 1.0;  ///< the fcc lattice constant the parameters were fitted to
  double c = 0.0;
  int n = 12;
  int m = 6;
  double cutoff_A = 0.0;  ///< 0 = 2a
  bool smooth = true;
  double cohesive_energy_eV = 0.0;  ///< experimental E_c the fit reproduces (for tests/docs)
};

/// Published parameters (Sutton & Chen 1990, Table 1) for Ni, Cu, Rh, Pd, Ag, Ir, Pt, Au, Pb, Al;
/// nullopt for other elements.
std::optional<SuttonChenParameters> sutton_chen_parameters(int z);

class SuttonChenPotential final : public Potential {
 public:
  /// Throws InputError if ε, a or c are not positive or n <= m.
  explicit SuttonChenPotential(SuttonChenParameters parameters);
  double cutoff_A() const override { return cutoff_A_; }
  std::string name() const override { return "sutton_chen"; }
  double compute(MdSystem& system, const std::vector<NeighborPair>& pairs) const override;
  const SuttonChenParameters& parameters() const { return p_; }

 private:
  SuttonChenParameters p_;
  double cutoff_A_;
  // shifted-force constants: value and derivative of (a/r)^n and (a/r)^m at the cut-off
  double vn_c_ = 0, dvn_c_ = 0, vm_c_ = 0, dvm_c_ = 0;
  mutable std::vector<double> rho_;
};

}  // namespace xasforge::ensemble
