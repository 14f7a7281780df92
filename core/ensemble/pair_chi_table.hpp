#pragma once
/// Single-scattering χ of one (absorber, scatterer) pair as a function of distance, tabulated for
/// fast reverse Monte Carlo (Gurman & McGreevy, J. Phys.: Condens. Matter 2, 9463 (1990), with
/// the curved-wave Rehr–Albers F_eff instead of fixed plane-wave amplitudes).
///
/// For a pair at distance r the σ² = 0 contribution on the fit grid is
///   χ(k_i) = Im[ c(r, q_i) e^{2i q_i r} ],   c = S0²·|χ̃_SS(q)| e^{i arg χ̃_SS(q)} (FEFF's ff2x recipe,
///   docs/physics.md §1.4, amplitude and phase interpolated separately from the EXAFS grid),
/// with q_i the theory wavenumber after an E0 shift (docs/physics.md (E1.3): q² = k² − ΔE0·ETOK).
/// χ itself is tabulated on a fine r grid (default 0.002 Å) and interpolated linearly in r: the
/// 2qr oscillation has period π/q ≥ 0.2 Å for q ≤ 15 Å⁻¹, so the interpolation error is
/// ≤ (2q·dr)²/8 ≈ 4·10⁻⁴ of the amplitude.
#include <complex>
#include <memory>
#include <vector>

#include "core/scattering/phase_shifts.hpp"

namespace xasforge::ensemble {

class PairChiTable {
 public:
  /// k_invA: the fit grid; r from r_min_A to r_max_A in steps of dr_A. scatterer_ipot indexes
  /// phases.potentials. Throws InputError on an empty grid or bad range.
  PairChiTable(const scattering::PhaseShifts& phases, int scatterer_ipot, const std::vector<double>& k_invA,
               double e0_shift_eV, double r_min_A, double r_max_A, double dr_A = 0.002);

  /// Re-evaluates the table for another E0 shift (same k grid and r range): only the
  /// interpolation onto q and the sine are redone, the per-r Rehr–Albers χ̃ (amplitude and
  /// unwrapped phase on the EXAFS grid) is kept from construction (and shared by copies).
  void set_e0_shift(double e0_shift_eV);
  double e0_shift_eV() const { return e0_shift_; }

  /// Adds weight·χ_pair(r) to out (size = k grid). r outside [r_min, r_max] adds nothing.
  void add(double r_A, double weight, std::vector<double>& out) const;
  double r_min_A() const { return r_min_; }
  double r_max_A() const { return r_max_; }

 private:
  struct Basis {  // per r row: |χ̃_SS| and its unwrapped phase on the EXAFS grid
    std::vector<double> kg, amp, phase;  // amp/phase: [ir * ne + ie]
  };
  std::shared_ptr<const Basis> basis_;
  std::vector<double> k_, q_;
  double e0_shift_ = 0;
  double r_min_, r_max_, dr_;
  std::size_t n_r_;
  std::vector<double> chi_;  // [ir * nk + ik]
};

}  // namespace xasforge::ensemble
