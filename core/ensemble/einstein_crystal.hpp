#pragma once
/// Harmonic Einstein-crystal model for any structure: every atom is tied to its reference site by
/// an isotropic spring, E = Σ_i ½ κ_i |u_i|², u_i the minimum-image displacement from the site.
/// κ_i = m_i ω_E², ω_E = k_B Θ_E / ħ, so that each atom oscillates at the Einstein frequency.
/// Displacements are uncorrelated: the pair MSRD of any two atoms is the sum of the two MSDs
/// (classically 3·k_B T/κ per atom, i.e. k_B T/κ along a bond for each atom).
#include <string>
#include <vector>

#include "core/ensemble/potential.hpp"

namespace xasforge::ensemble {

inline constexpr double kHbarEvFs = 0.6582119569;  // ħ in eV·fs (CODATA 2018)

class EinsteinCrystalPotential final : public Potential {
 public:
  /// Sites are the current positions of `reference`; theta_K > 0 else InputError.
  EinsteinCrystalPotential(const MdSystem& reference, double theta_K);
  double cutoff_A() const override { return 0.0; }
  std::string name() const override { return "einstein"; }
  double compute(MdSystem& system, const std::vector<NeighborPair>& pairs) const override;
  /// Spring constant of atom i (eV/Å²).
  double spring_eVPerA2(std::size_t i) const { return kappa_.at(i); }

 private:
  std::vector<Eigen::Vector3d> site_A_;
  std::vector<double> kappa_;
};

}  // namespace xasforge::ensemble
