#include "core/ensemble/md_system.hpp"

#include <cmath>
#include <string>

#include "core/elements/element.hpp"
#include "core/error.hpp"
#include "core/units.hpp"

namespace xasforge::ensemble {

Eigen::Vector3d MdSystem::minimum_image(const Eigen::Vector3d& d_A) const {
  Eigen::Vector3d f = cell_A.transpose().inverse() * d_A;
  for (int k = 0; k < 3; ++k) f[k] -= std::round(f[k]);
  return cell_A.transpose() * f;
}

void MdSystem::wrap_positions() {
  const Eigen::Matrix3d inv_t = cell_A.transpose().inverse();
  for (auto& r : position_A) {
    Eigen::Vector3d f = inv_t * r;
    for (int k = 0; k < 3; ++k) f[k] -= std::floor(f[k]);
    r = cell_A.transpose() * f;
  }
}

double MdSystem::kinetic_energy_eV() const {
  double ke = 0.0;
  for (std::size_t i = 0; i < size(); ++i) ke += 0.5 * mass_amu[i] * velocity_APerFs[i].squaredNorm();
  return ke / kAccelerationAPerFs2PerEvPerAAmu;  // amu Å²/fs² -> eV
}

double MdSystem::temperature_K(std::size_t n_dof) const {
  return 2.0 * kinetic_energy_eV() / (static_cast<double>(n_dof) * units::kBoltzmannEvPerK);
}

void MdSystem::remove_momentum() {
  Eigen::Vector3d p = Eigen::Vector3d::Zero();
  double m = 0.0;
  for (std::size_t i = 0; i < size(); ++i) {
    p += mass_amu[i] * velocity_APerFs[i];
    m += mass_amu[i];
  }
  const Eigen::Vector3d v_cm = p / m;
  for (auto& v : velocity_APerFs) v -= v_cm;
}

MdSystem make_supercell(const structure::Structure& structure, int na, int nb, int nc) {
  if (!structure.is_periodic())
    throw InputError("make_supercell: structure '" + structure.name + "' has no lattice (a cluster)");
  if (na < 1 || nb < 1 || nc < 1)
    throw InputError("make_supercell: repeats must be >= 1, got " + std::to_string(na) + "x" +
                     std::to_string(nb) + "x" + std::to_string(nc));
  const Eigen::Matrix3d m = structure.lattice().matrix_A();
  MdSystem s;
  s.cell_A.row(0) = na * m.row(0);
  s.cell_A.row(1) = nb * m.row(1);
  s.cell_A.row(2) = nc * m.row(2);
  for (int a = 0; a < na; ++a)
    for (int b = 0; b < nb; ++b)
      for (int c = 0; c < nc; ++c)
        for (const auto& site : structure.sites()) {
          const Eigen::Vector3d f = site.fractional + Eigen::Vector3d(a, b, c);
          s.z.push_back(site.z);
          s.mass_amu.push_back(elements::element(site.z).mass_amu);
          s.position_A.push_back(m.transpose() * f);
        }
  s.velocity_APerFs.assign(s.size(), Eigen::Vector3d::Zero());
  s.force_eVPerA.assign(s.size(), Eigen::Vector3d::Zero());
  return s;
}

structure::Structure to_structure(const MdSystem& system) {
  MdSystem copy = system;
  copy.wrap_positions();
  const Eigen::Matrix3d inv_t = copy.cell_A.transpose().inverse();
  std::vector<Eigen::Vector3d> frac;
  frac.reserve(copy.size());
  for (const auto& r : copy.position_A) frac.push_back(inv_t * r);
  return structure::Structure::periodic(structure::Lattice(copy.cell_A), copy.z, frac);
}

MdSystem from_structure(const structure::Structure& structure) {
  return make_supercell(structure, 1, 1, 1);
}

}  // namespace xasforge::ensemble
