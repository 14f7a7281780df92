#include "core/ensemble/sutton_chen.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"

namespace xasforge::ensemble {

std::optional<SuttonChenParameters> sutton_chen_parameters(int z) {
  // Sutton & Chen, Phil. Mag. Lett. 61, 139 (1990), Table 1: n, m, ε (eV), c, a (Å); E_c is the
  // experimental cohesive energy (eV/atom) the fit reproduces (Kittel's table, as used there).
  SuttonChenParameters p;
  switch (z) {
    case 28: p = {1.5707e-2, 3.52, 39.432, 9, 6, 0.0, true, 4.44}; break;   // Ni
    case 29: p = {1.2382e-2, 3.61, 39.432, 9, 6, 0.0, true, 3.49}; break;   // Cu
    case 45: p = {4.9371e-3, 3.80, 144.41, 12, 6, 0.0, true, 5.75}; break;  // Rh
    case 46: p = {4.1790e-3, 3.89, 108.27, 12, 7, 0.0, true, 3.89}; break;  // Pd
    case 47: p = {2.5415e-3, 4.09, 144.41, 12, 6, 0.0, true, 2.95}; break;  // Ag
    case 77: p = {2.4489e-3, 3.84, 334.94, 14, 6, 0.0, true, 6.94}; break;  // Ir
    case 78: p = {1.9833e-2, 3.92, 34.408, 10, 8, 0.0, true, 5.84}; break;  // Pt
    case 79: p = {1.2793e-2, 4.08, 34.408, 10, 8, 0.0, true, 3.81}; break;  // Au
    case 82: p = {5.5765e-3, 4.95, 45.778, 10, 7, 0.0, true, 2.03}; break;  // Pb
    case 13: p = {3.3147e-2, 4.05, 16.399, 7, 6, 0.0, true, 3.39}; break;   // Al
    default: return std::nullopt;
  }
  return p;
}

SuttonChenPotential::SuttonChenPotential(SuttonChenParameters parameters) : p_(parameters) {
  if (!(p_.epsilon_eV > 0) || !(p_.a_A > 0) || !(p_.c > 0))
    throw InputError("sutton_chen: epsilon_eV, a_A and c must be > 0");
  if (p_.n <= p_.m || p_.m < 1) throw InputError("sutton_chen: need n > m >= 1");
  cutoff_A_ = p_.cutoff_A > 0 ? p_.cutoff_A : 2.0 * p_.a_A;
  if (p_.smooth) {
    const double x = p_.a_A / cutoff_A_;
    vn_c_ = std::pow(x, p_.n);
    vm_c_ = std::pow(x, p_.m);
    dvn_c_ = -p_.n * vn_c_ / cutoff_A_;
    dvm_c_ = -p_.m * vm_c_ / cutoff_A_;
  }
}

double SuttonChenPotential::compute(MdSystem& system, const std::vector<NeighborPair>& pairs) const {
  const std::size_t n_atoms = system.size();
  rho_.assign(n_atoms, 0.0);
  for (auto& f : system.force_eVPerA) f.setZero();
  const double rc2 = cutoff_A_ * cutoff_A_;
  const double a = p_.a_A;
  double e_pair = 0.0;
  // Pass 1: densities and the repulsive pair energy.
  for (const auto& pr : pairs) {
    const Eigen::Vector3d d = system.position_A[pr.j] + pr.shift_A - system.position_A[pr.i];
    const double r2 = d.squaredNorm();
    if (r2 >= rc2) continue;
    const double r = std::sqrt(r2);
    const double x = a / r;
    const double vn = std::pow(x, p_.n) - vn_c_ - (r - cutoff_A_) * dvn_c_;
    const double vm = std::pow(x, p_.m) - vm_c_ - (r - cutoff_A_) * dvm_c_;
    e_pair += vn;  // half list: ½ Σ_i Σ_j≠i counts each pair once
    rho_[pr.i] += vm;
    rho_[pr.j] += vm;
  }
  double e_embed = 0.0;
  std::vector<double> inv_sqrt_rho(n_atoms, 0.0);
  for (std::size_t i = 0; i < n_atoms; ++i) {
    if (rho_[i] <= 0.0) continue;
    const double s = std::sqrt(rho_[i]);
    e_embed += s;
    inv_sqrt_rho[i] = 1.0 / s;
  }
  // Pass 2: forces.
  for (const auto& pr : pairs) {
    const Eigen::Vector3d d = system.position_A[pr.j] + pr.shift_A - system.position_A[pr.i];
    const double r2 = d.squaredNorm();
    if (r2 >= rc2) continue;
    const double r = std::sqrt(r2);
    const double x = a / r;
    const double dvn = -p_.n * std::pow(x, p_.n) / r - dvn_c_;
    const double dvm = -p_.m * std::pow(x, p_.m) / r - dvm_c_;
    const double de_dr = p_.epsilon_eV * (dvn - 0.5 * p_.c * (inv_sqrt_rho[pr.i] + inv_sqrt_rho[pr.j]) * dvm);
    const Eigen::Vector3d f = (-de_dr / r) * d;  // force on j
    system.force_eVPerA[pr.j] += f;
    system.force_eVPerA[pr.i] -= f;
  }
  return p_.epsilon_eV * (e_pair - p_.c * e_embed);
}

}  // namespace xasforge::ensemble
