#include "core/ensemble/einstein_crystal.hpp"

#include <string>

#include "core/error.hpp"
#include "core/units.hpp"

namespace xasforge::ensemble {

EinsteinCrystalPotential::EinsteinCrystalPotential(const MdSystem& reference, double theta_K)
    : site_A_(reference.position_A) {
  if (!(theta_K > 0)) throw InputError("einstein: theta_K must be > 0 K, got " + std::to_string(theta_K));
  const double omega_per_fs = units::kBoltzmannEvPerK * theta_K / kHbarEvFs;
  for (double m : reference.mass_amu)
    kappa_.push_back(m * omega_per_fs * omega_per_fs / kAccelerationAPerFs2PerEvPerAAmu);  // amu/fs² -> eV/Å²
}

double EinsteinCrystalPotential::compute(MdSystem& system, const std::vector<NeighborPair>&) const {
  if (system.size() != site_A_.size())
    throw InputError("einstein: system has " + std::to_string(system.size()) + " atoms, reference " +
                     std::to_string(site_A_.size()));
  double energy = 0.0;
  for (std::size_t i = 0; i < system.size(); ++i) {
    const Eigen::Vector3d u = system.minimum_image(system.position_A[i] - site_A_[i]);
    energy += 0.5 * kappa_[i] * u.squaredNorm();
    system.force_eVPerA[i] = -kappa_[i] * u;
  }
  return energy;
}

}  // namespace xasforge::ensemble
