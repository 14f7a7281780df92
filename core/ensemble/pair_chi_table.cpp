#include "core/ensemble/pair_chi_table.hpp"
#include "core/numerics/numerics.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"
#include "core/scattering/rehr_albers.hpp"
#include "core/scattering/scattering_path.hpp"
#include "core/units.hpp"

namespace xasforge::ensemble {

using cd = std::complex<double>;

PairChiTable::PairChiTable(const scattering::PhaseShifts& phases, int scatterer_ipot, const std::vector<double>& k,
                           double e0_shift_eV, double r_min_A, double r_max_A, double dr_A)
    : k_(k), r_min_(r_min_A), r_max_(r_max_A), dr_(dr_A) {
  if (k.empty()) throw InputError("pair chi table: empty k grid");
  if (!(r_min_A > 0) || !(r_max_A > r_min_A) || !(dr_A > 0)) throw InputError("pair chi table: bad r range");
  if (scatterer_ipot < 0 || scatterer_ipot >= static_cast<int>(phases.potentials.size()))
    throw InputError("pair chi table: no potential " + std::to_string(scatterer_ipot));
  n_r_ = static_cast<std::size_t>(std::ceil((r_max_A - r_min_A) / dr_A)) + 1;
  r_max_ = r_min_ + dr_ * static_cast<double>(n_r_ - 1);
  scattering::RehrAlbersCalculator ra(phases);  // SS: both legs share one cache entry
  if (ra.n_energies() == 0) throw InputError("pair chi table: phase shifts without energies");
  auto basis = std::make_shared<Basis>();
  basis->kg = phases.k_invA;
  const std::size_t ne = basis->kg.size();
  basis->amp.resize(n_r_ * ne);
  basis->phase.resize(n_r_ * ne);
  std::vector<cd> chit(ne);
  for (std::size_t ir = 0; ir < n_r_; ++ir) {
    const double r = r_min_ + dr_ * static_cast<double>(ir);
    scattering::ScatteringPath path;
    path.scatterers_A = {Eigen::Vector3d(0, 0, r)};
    path.ipot = {scatterer_ipot};
    path.z = {phases.potentials[static_cast<std::size_t>(scatterer_ipot)].z};
    path.mass_amu = {0.0};
    path.reff_A = r;
    ra.chi_tilde(path, chit);
    double* amp = &basis->amp[ir * ne];
    double* ph = &basis->phase[ir * ne];
    for (std::size_t ie = 0; ie < ne; ++ie) {
      amp[ie] = std::abs(chit[ie]);
      double p = std::arg(chit[ie]);
      if (ie > 0) p += 2 * units::kPi * std::round((ph[ie - 1] - p) / (2 * units::kPi));
      ph[ie] = p;
    }
  }
  basis_ = std::move(basis);
  set_e0_shift(e0_shift_eV);
}

void PairChiTable::set_e0_shift(double e0_shift_eV) {
  e0_shift_ = e0_shift_eV;
  q_.resize(k_.size());
  for (std::size_t i = 0; i < k_.size(); ++i) q_[i] = numerics::shifted_wavenumber(k_[i], e0_shift_eV);  // (E1.3)
  const auto& kg = basis_->kg;
  const std::size_t ne = kg.size();
  chi_.assign(n_r_ * k_.size(), 0.0);
  // segment and weight of each q on the EXAFS grid, shared by every r row
  std::vector<std::size_t> seg_of(q_.size(), 0);
  std::vector<double> t_of(q_.size(), 0.0);
  std::vector<char> inside(q_.size(), 0);
  std::size_t seg = 0;
  for (std::size_t i = 0; i < q_.size(); ++i) {
    const double q = q_[i];
    if (q < kg.front() || q > kg.back()) continue;  // outside FEFF's grid: no theory
    while (seg + 2 < ne && kg[seg + 1] < q) ++seg;
    while (seg > 0 && kg[seg] > q) --seg;
    seg_of[i] = seg;
    t_of[i] = (q - kg[seg]) / (kg[seg + 1] - kg[seg]);
    inside[i] = 1;
  }
  for (std::size_t ir = 0; ir < n_r_; ++ir) {
    const double r = r_min_ + dr_ * static_cast<double>(ir);
    const double* amp = &basis_->amp[ir * ne];
    const double* ph = &basis_->phase[ir * ne];
    for (std::size_t i = 0; i < q_.size(); ++i) {
      if (!inside[i]) continue;
      const std::size_t sg = seg_of[i];
      const double t = t_of[i];
      const double a = amp[sg] + t * (amp[sg + 1] - amp[sg]);
      const double f = ph[sg] + t * (ph[sg + 1] - ph[sg]);
      chi_[ir * q_.size() + i] = a * std::sin(2.0 * q_[i] * r + f);
    }
  }
}

void PairChiTable::add(double r, double weight, std::vector<double>& out) const {
  if (r < r_min_ || r > r_max_) return;
  const double x = (r - r_min_) / dr_;
  std::size_t ir = static_cast<std::size_t>(x);
  if (ir >= n_r_ - 1) ir = n_r_ - 2;
  const double t = x - static_cast<double>(ir);
  const std::size_t nk = q_.size();
  const double* c0 = &chi_[ir * nk];
  const double* c1 = &chi_[(ir + 1) * nk];
  const double w0 = weight * (1.0 - t), w1 = weight * t;
  for (std::size_t i = 0; i < nk; ++i) out[i] += w0 * c0[i] + w1 * c1[i];
}

}  // namespace xasforge::ensemble
