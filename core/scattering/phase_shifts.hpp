#pragma once
/// Scattering phase shifts of the unique potentials of one (structure, absorber) on FEFF's EXAFS
/// energy grid, in xasforge units (Å, eV). Produced by a PhaseShiftProvider (the FEFF 8.5L adapter
/// converts bohr/Hartree at its edge); consumed by the path finder and the F_eff calculator.
/// Conventions: docs/physics.md §1.1 and §5.
#include <complex>
#include <vector>

namespace xasforge::scattering {

/// Phase shifts of one unique potential (ipot). Potential 0 is the absorber with its core hole.
struct PotentialPhases {
  int ipot = 0;
  int z = 0;
  int lmax = 0;                                           ///< highest l with a stored phase shift
  std::vector<std::vector<std::complex<double>>> delta;  ///< [energy index][l], radians (complex)
  friend bool operator==(const PotentialPhases&, const PotentialPhases&) = default;
};

enum class Edge { kK, kL1, kL2, kL3 };

/// Everything the path expansion needs from the potential calculation.
struct PhaseShifts {
  Edge edge = Edge::kK;
  int l0 = 1;                               ///< final-state angular momentum (1 for K, L1; 2 for L2,3)
  std::vector<double> k_invA;               ///< EXAFS grid k (from the Fermi level), Å⁻¹, ne1 points
  std::vector<std::complex<double>> p_invA; ///< complex local momentum p(E), Å⁻¹
  std::vector<double> energy_eV;            ///< Re E (absolute, FEFF's origin), eV
  std::vector<std::complex<double>> eref_eV;///< complex interstitial reference energy e_ref(E), eV
  double mu_eV = 0.0;                       ///< Fermi level ("edge" in feffNNNN.dat)
  double kf_invA = 0.0;                     ///< Fermi momentum
  double vint_eV = 0.0;                     ///< interstitial potential V_int
  double core_hole_width_eV = 0.0;          ///< Γ_ch
  double rnorm_avg_A = 0.0;                 ///< average Norman radius r_norm,av (correlated Debye)
  std::vector<PotentialPhases> potentials;  ///< index = ipot; 0 = absorber
  friend bool operator==(const PhaseShifts&, const PhaseShifts&) = default;
};

}  // namespace xasforge::scattering
