#include "core/ensemble/rmc.hpp"
#include "core/numerics/numerics.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numeric>
#include <set>
#include <string>
#include <utility>

#include "core/ensemble/neighbor_list.hpp"
#include "core/ensemble/random_stream.hpp"
#include "core/ensemble/snapshot_chi.hpp"
#include "core/ensemble/sutton_chen.hpp"
#include "core/error.hpp"
#include "core/units.hpp"
#include "core/xafs/cauchy_wavelet.hpp"

namespace xasforge::ensemble {

SnapshotChiOptions ms_background_options(const RmcOptions& options) {
  SnapshotChiOptions so;
  so.rmax_A = options.ms_background_rmax_A;
  so.max_legs = options.ms_background_max_legs;
  so.cluster_radius_A = std::max(so.rmax_A, 7.0);
  return so;
}

ResidualSpace parse_residual_space(const std::string& name) {
  if (name == "k") return ResidualSpace::kK;
  if (name == "r" || name == "R") return ResidualSpace::kR;
  if (name == "wavelet" || name == "cauchy" || name == "w") return ResidualSpace::kWavelet;
  throw InputError("rmc: unknown residual space '" + name + "'; expected one of: k, r, wavelet");
}

namespace {

double min_width(const Eigen::Matrix3d& h) {
  const double v = std::abs(h.determinant());
  double w = 1e300;
  for (int d = 0; d < 3; ++d) w = std::min(w, v / h.row((d + 1) % 3).cross(h.row((d + 2) % 3)).norm());
  return w;
}

}  // namespace

RmcModel::RmcModel(const structure::Structure& start, std::vector<RmcDataset> datasets, const RmcOptions& options)
    : options_(options) {
  if (!start.is_periodic()) throw InputError("rmc: the starting configuration must be periodic (a supercell)");
  if (datasets.empty()) throw InputError("rmc: no data set to fit");
  sys_ = from_structure(start);
  inv_t_ = sys_.cell_A.transpose().inverse();
  const double half = 0.5 * min_width(sys_.cell_A);
  if (!(options_.chi_rmax_A < half))
    throw InputError("rmc: chi_rmax " + std::to_string(options_.chi_rmax_A) +
                     " Å must be below half the smallest cell width (" + std::to_string(half) +
                     " Å): use a larger supercell");
  if (!(options_.max_step_A > 0)) throw InputError("rmc: max_step must be > 0 Å");
  std::set<int> species;
  for (int z : sys_.z) species.insert(z);
  const int zmax = *species.rbegin();
  for (auto& d : datasets) {
    Set s;
    s.data = std::move(d);
    const auto& dd = s.data;
    if (dd.k_invA.size() < 2 || dd.k_invA.size() != dd.chi.size())
      throw InputError("rmc: data set of Z = " + std::to_string(dd.absorber_z) + " needs matching k and chi arrays");
    if (!(dd.k_max_invA > dd.k_min_invA)) throw InputError("rmc: k_max must exceed k_min");
    const double lo = std::max(dd.k_min_invA - 0.5, dd.k_invA.front());
    const double hi = std::min(dd.k_max_invA + 0.5, dd.k_invA.back());
    if (hi < dd.k_max_invA - 1e-9 || lo > dd.k_min_invA + 1e-9)
      throw InputError("rmc: fit range " + std::to_string(dd.k_min_invA) + "-" + std::to_string(dd.k_max_invA) +
                       " Å⁻¹ is outside the data (" + std::to_string(dd.k_invA.front()) + "-" +
                       std::to_string(dd.k_invA.back()) + ")");
    for (long i = static_cast<long>(std::ceil(lo / 0.05 - 1e-9)); 0.05 * static_cast<double>(i) <= hi + 1e-9; ++i) {
      const double k = 0.05 * static_cast<double>(i);
      s.k.push_back(k);
      s.target.push_back(numerics::interp_linear(dd.k_invA, dd.chi, k));
      s.kw.push_back(std::pow(k, dd.k_weight));
      double w;
      if (dd.space == ResidualSpace::kK || dd.space == ResidualSpace::kWavelet) {
        w = (k >= dd.k_min_invA - 1e-9 && k <= dd.k_max_invA + 1e-9) ? 1.0 : 0.0;
      } else {  // Hanning window, dk = 1 Å⁻¹ (docs/physics.md §6.3)
        const double x1 = dd.k_min_invA - 0.5, x2 = dd.k_min_invA + 0.5, x3 = dd.k_max_invA - 0.5,
                     x4 = dd.k_max_invA + 0.5;
        if (k <= x1 || k >= x4) w = 0;
        else if (k < x2) w = std::pow(std::sin(0.5 * units::kPi * (k - x1) / (x2 - x1)), 2);
        else if (k <= x3) w = 1;
        else w = std::pow(std::cos(0.5 * units::kPi * (k - x3) / (x4 - x3)), 2);
      }
      s.window.push_back(w);
    }
    if (!dd.background.empty() && (dd.background.size() != dd.background_k_invA.size() || dd.background.size() < 2))
      throw InputError("rmc: background needs matching background_k_invA and background arrays");
    interpolate_background(s);
    s.n_absorbers = static_cast<double>(std::count(sys_.z.begin(), sys_.z.end(), dd.absorber_z));
    if (s.n_absorbers == 0) throw InputError("rmc: no absorber of Z = " + std::to_string(dd.absorber_z));
    s.table_by_z.resize(static_cast<std::size_t>(zmax) + 1);
    for (int z : species) {
      int ipot = -1;
      for (std::size_t ip = 1; ip < dd.phases.potentials.size(); ++ip)
        if (dd.phases.potentials[ip].z == z) {
          ipot = static_cast<int>(ip);
          break;
        }
      if (ipot < 0) throw InputError("rmc: phase shifts of the Z = " + std::to_string(dd.absorber_z) +
                                     " edge have no potential for Z = " + std::to_string(z));
      s.table_by_z[static_cast<std::size_t>(z)] = std::make_shared<PairChiTable>(
          dd.phases, ipot, s.k, dd.e0_shift_eV, std::max(0.5, 0.8 * options_.min_distance_A), options_.chi_rmax_A + 0.01);
    }
    const std::size_t nk = s.k.size();
    if (dd.space == ResidualSpace::kR) {
      const double dr = units::kPi / (0.05 * 2048);
      for (long j = static_cast<long>(std::ceil(dd.r_min_A / dr)); j * dr <= dd.r_max_A; ++j) {
        const double r = static_cast<double>(j) * dr;
        for (std::size_t i = 0; i < nk; ++i) {
          const double a = 0.05 / std::sqrt(units::kPi) * s.window[i] * s.kw[i];
          s.m_re.push_back(a * std::cos(2 * s.k[i] * r));
          s.m_im.push_back(-a * std::sin(2 * s.k[i] * r));
        }
        ++s.n_r;
      }
      if (s.n_r == 0) throw InputError("rmc: empty R window");
    } else if (dd.space == ResidualSpace::kWavelet) {
      // The fit grid is k_g = 0.05·g (g integer). Larch's transform is a circular convolution of
      // the zero-padded input with a kernel h_R, so an impulse at g_i gives W(R, k_m) =
      // h_R(g_m − g_i). One transform of an impulse at index c = g_max on a grid of 2c+1 points
      // holds every needed offset −c..c: W_c(R, c + g_m − g_i).
      const auto g_of = [](double k) { return static_cast<long>(std::lround(k / 0.05)); };
      const long c = g_of(s.k.back());
      std::vector<double> kk(static_cast<std::size_t>(2 * c + 1)), impulse(kk.size(), 0.0);
      for (std::size_t i = 0; i < kk.size(); ++i) kk[i] = 0.05 * static_cast<double>(i);
      impulse[static_cast<std::size_t>(c)] = 1.0;
      const auto cw = xafs::cauchy_wavelet(kk, impulse, 0.0, 10.0);
      for (std::size_t ir = 0; ir < cw.r_A.size(); ir += 3) {
        if (cw.r_A[ir] < dd.r_min_A || cw.r_A[ir] > dd.r_max_A) continue;
        for (std::size_t m = 0; m < nk; m += 3) {  // output k every 0.15 Å⁻¹ inside [k_min, k_max]
          if (s.window[m] == 0.0) continue;
          for (std::size_t i = 0; i < nk; ++i) {
            const auto col = static_cast<std::size_t>(c + g_of(s.k[m]) - g_of(s.k[i]));
            const std::complex<double> h = cw.at(ir, col);
            s.m_re.push_back(s.window[i] * s.kw[i] * h.real());
            s.m_im.push_back(s.window[i] * s.kw[i] * h.imag());
          }
          ++s.n_r;
        }
      }
      if (s.n_r == 0) throw InputError("rmc: empty R window for the wavelet misfit");
    }
    // normalisation: the same metric applied to the target itself
    s.norm = 1.0;
    std::vector<double> zero_model(nk, 0.0);
    s.sum = zero_model;
    {
      Set tmp = s;
      tmp.data.s02 = 0.0;
      s.norm = set_misfit(tmp, zero_model);
    }
    if (!(s.norm > 0)) throw InputError("rmc: the target spectrum is zero in the fit window");
    sets_.push_back(std::move(s));
  }
  recompute();
  init_energy();
}

namespace {
inline double ipow(double x, int n) {
  double r = 1.0;
  for (int i = 0; i < n; ++i) r *= x;
  return r;
}
}  // namespace

void RmcModel::init_energy() {
  sc_on_ = options_.energy_temperature_K > 0;
  trial_de_ = 0;
  if (!sc_on_) return;
  const int z0 = sys_.z.front();
  for (int z : sys_.z)
    if (z != z0) throw InputError("rmc: the HRMC energy term supports one element per cell (Sutton–Chen)");
  const auto p = sutton_chen_parameters(z0);
  if (!p) throw InputError("rmc: no Sutton–Chen parameters for Z = " + std::to_string(z0) + " (HRMC energy term)");
  sc_eps_ = p->epsilon_eV;
  sc_a_ = p->a_A;
  sc_c_ = p->c;
  sc_n_ = p->n;
  sc_m_ = p->m;
  const double rc = std::min(2.0 * p->a_A, 0.5 * min_width(sys_.cell_A) - 1e-6);
  sc_rc2_ = rc * rc;
  sc_rho_.assign(sys_.size(), 0.0);
  sc_drho_.assign(sys_.size(), 0.0);
  for (const auto& pr : find_pairs(sys_, rc)) {
    const double r = (sys_.position_A[pr.j] + pr.shift_A - sys_.position_A[pr.i]).norm();
    if (r * r > sc_rc2_) continue;
    const double v = ipow(sc_a_ / r, sc_m_);
    sc_rho_[pr.i] += v;
    sc_rho_[pr.j] += v;
  }
}

double RmcModel::energy() const {
  if (!sc_on_) return 0.0;
  double e = 0;
  for (const auto& pr : find_pairs(sys_, std::sqrt(sc_rc2_))) {
    const double r = (sys_.position_A[pr.j] + pr.shift_A - sys_.position_A[pr.i]).norm();
    if (r * r <= sc_rc2_) e += sc_eps_ * ipow(sc_a_ / r, sc_n_);
  }
  for (double rho : sc_rho_) e -= sc_eps_ * sc_c_ * std::sqrt(rho);
  return e;
}

void RmcModel::interpolate_background(Set& s) {
  const auto& dd = s.data;
  s.bg.assign(s.k.size(), 0.0);
  if (dd.background.empty()) return;
  for (std::size_t i = 0; i < s.k.size(); ++i) {
    // The measured background moves with the theory (E1.3); below its first k the end value holds.
    s.bg[i] = numerics::interp_linear(dd.background_k_invA, dd.background, numerics::shifted_wavenumber(s.k[i], dd.e0_shift_eV));
  }
}

void RmcModel::update_misfit() {
  misfit_ = 0;
  for (const auto& x : sets_) misfit_ += x.data.weight * set_misfit(x, x.sum);
}


void RmcModel::set_e0_shift(std::size_t e, double e0) {
  auto& s = sets_.at(e);
  for (auto& t : s.table_by_z) {
    if (!t) continue;
    auto shifted = std::make_shared<PairChiTable>(*t);  // shares the per-r χ̃ basis
    shifted->set_e0_shift(e0);
    t = std::move(shifted);
  }
  s.data.e0_shift_eV = e0;
  interpolate_background(s);
  recompute();
}

double RmcModel::refit_e0(std::size_t e, double half_width, double tol) {
  if (!(half_width > 0)) throw InputError("rmc: E0 search window must be > 0 eV");
  const double centre = sets_.at(e).data.e0_shift_eV;
  auto f = [&](double e0) {
    set_e0_shift(e, e0);
    return misfit_;
  };
  const double best_x = numerics::golden_section_minimum(f, centre - half_width, centre + half_width, tol,
                                                         [&] { return std::pair{centre, f(centre)}; })
                            .best_x;
  set_e0_shift(e, best_x);
  return best_x;
}

void RmcModel::scale_cell(double factor) {
  if (!(factor > 0.5 && factor < 2.0)) throw InputError("rmc: cell scale factor out of range");
  sys_.cell_A *= factor;
  for (auto& x : sys_.position_A) x *= factor;
  inv_t_ = sys_.cell_A.transpose().inverse();
  if (!(options_.chi_rmax_A < 0.5 * min_width(sys_.cell_A)))
    throw InputError("rmc: scaled cell is too small for chi_rmax");
  recompute();
  init_energy();
}

double RmcModel::refit_cell_scale(double half_width, double tol) {
  if (!(half_width > 0 && half_width < 0.2)) throw InputError("rmc: cell scale window must be in (0, 0.2)");
  double current = 1.0;  // scale of the cell now, relative to the cell at the call
  auto f = [&](double s) {
    scale_cell(s / current);
    current = s;
    return misfit_;
  };
  const double at_call = misfit_;  // scale 1: the cell as it is
  const double best_x =
      numerics::golden_section_minimum(f, 1.0 - half_width, 1.0 + half_width, tol, [&] { return std::pair{1.0, at_call}; })
          .best_x;
  scale_cell(best_x / current);
  return best_x;
}

void RmcModel::set_background(std::size_t e, std::vector<double> k, std::vector<double> bg) {
  if (bg.size() != k.size() || bg.size() < 2)
    throw InputError("rmc: background needs matching k and background arrays");
  auto& s = sets_.at(e);
  s.data.background_k_invA = std::move(k);
  s.data.background = std::move(bg);
  interpolate_background(s);
  update_misfit();
}

double RmcModel::set_misfit(const Set& s, const std::vector<double>& sum) const {
  const std::size_t nk = s.k.size();
  const double scale = s.data.s02 / s.n_absorbers;
  if (s.data.space == ResidualSpace::kK) {
    double acc = 0;
    for (std::size_t i = 0; i < nk; ++i) {
      const double model = scale * sum[i] + s.data.s02 * s.bg[i];
      const double d = s.kw[i] * s.window[i] * (s.target[i] - model);
      acc += d * d;
    }
    return acc / s.norm;
  }
  std::vector<double> d(nk);
  for (std::size_t i = 0; i < nk; ++i) d[i] = s.target[i] - scale * sum[i] - s.data.s02 * s.bg[i];
  double acc = 0;
  for (std::size_t j = 0; j < s.n_r; ++j) {
    const double* mr = &s.m_re[j * nk];
    const double* mi = &s.m_im[j * nk];
    double re = 0, im = 0;
    for (std::size_t i = 0; i < nk; ++i) {
      re += mr[i] * d[i];
      im += mi[i] * d[i];
    }
    acc += re * re + im * im;
  }
  return acc / s.norm;
}

void RmcModel::recompute() {
  for (auto& s : sets_) s.sum.assign(s.k.size(), 0.0);
  for (const auto& p : find_pairs(sys_, options_.chi_rmax_A)) {
    const double r = (sys_.position_A[p.j] + p.shift_A - sys_.position_A[p.i]).norm();
    if (r > options_.chi_rmax_A) continue;
    const int zi = sys_.z[p.i], zj = sys_.z[p.j];
    for (auto& s : sets_) {
      if (zi == s.data.absorber_z) s.table_by_z[static_cast<std::size_t>(zj)]->add(r, 1.0, s.sum);
      if (zj == s.data.absorber_z) s.table_by_z[static_cast<std::size_t>(zi)]->add(r, 1.0, s.sum);
    }
  }
  misfit_ = 0;
  for (const auto& s : sets_) misfit_ += s.data.weight * set_misfit(s, s.sum);
}

bool RmcModel::propose(std::size_t m, const Eigen::Vector3d& x) {
  const std::size_t n = sys_.size();
  const Eigen::Vector3d x_old = sys_.position_A[m];
  const double dmin2 = options_.min_distance_A * options_.min_distance_A;
  const double rmax2 = options_.chi_rmax_A * options_.chi_rmax_A;
  const Eigen::Matrix3d h_t = sys_.cell_A.transpose();
  auto mi = [&](const Eigen::Vector3d& d) {
    Eigen::Vector3d f = inv_t_ * d;
    for (int k = 0; k < 3; ++k) f[k] -= std::round(f[k]);
    return Eigen::Vector3d(h_t * f);
  };
  for (auto& s : sets_) s.delta.assign(s.k.size(), 0.0);
  const int zm = sys_.z[m];
  double de_pair = 0, rho_m_new = 0, de_embed = 0;
  for (std::size_t j = 0; j < n; ++j) {
    if (j == m) continue;
    const Eigen::Vector3d dn = mi(sys_.position_A[j] - x);
    const double rn2 = dn.squaredNorm();
    if (rn2 < dmin2) return false;
    const double ro2 = mi(sys_.position_A[j] - x_old).squaredNorm();
    if (sc_on_) {
      // Sutton–Chen: pair term of (m, j) and the change of ρ_j (its embedding term)
      double dr = 0;
      if (rn2 <= sc_rc2_) {
        const double rn = std::sqrt(rn2);
        const double vm = ipow(sc_a_ / rn, sc_m_);
        de_pair += ipow(sc_a_ / rn, sc_n_);
        rho_m_new += vm;
        dr += vm;
      }
      if (ro2 <= sc_rc2_) {
        const double ro = std::sqrt(ro2);
        de_pair -= ipow(sc_a_ / ro, sc_n_);
        dr -= ipow(sc_a_ / ro, sc_m_);
      }
      sc_drho_[j] = dr;
      if (dr != 0.0) de_embed += std::sqrt(std::max(sc_rho_[j] + dr, 0.0)) - std::sqrt(sc_rho_[j]);
    }
    if (rn2 > rmax2 && ro2 > rmax2) continue;
    const double rn = std::sqrt(rn2), ro = std::sqrt(ro2);
    const int zj = sys_.z[j];
    const bool in_new = rn2 <= rmax2, in_old = ro2 <= rmax2;  // the same cut-off as recompute()
    for (auto& s : sets_) {
      const int za = s.data.absorber_z;
      const double mult = (zm == za ? 1.0 : 0.0) + (zj == za ? 1.0 : 0.0);
      if (mult == 0.0) continue;
      // the table of the scatterer seen from the absorber: for a like pair both are the same
      const int zs = zm == za ? zj : zm;
      if (zm == za && zj == za) {
        const auto& t = *s.table_by_z[static_cast<std::size_t>(zj)];
        if (in_new) t.add(rn, 2.0, s.delta);
        if (in_old) t.add(ro, -2.0, s.delta);
      } else {
        const auto& t = *s.table_by_z[static_cast<std::size_t>(zs)];
        if (in_new) t.add(rn, 1.0, s.delta);
        if (in_old) t.add(ro, -1.0, s.delta);
      }
    }
  }
  if (sc_on_) {
    de_embed += std::sqrt(rho_m_new) - std::sqrt(sc_rho_[m]);
    trial_rho_m_ = rho_m_new;
    trial_de_ = sc_eps_ * (de_pair - sc_c_ * de_embed);
  }
  trial_misfit_ = 0;
  for (auto& s : sets_) {
    s.trial_sum.resize(s.sum.size());
    for (std::size_t i = 0; i < s.sum.size(); ++i) s.trial_sum[i] = s.sum[i] + s.delta[i];
    trial_misfit_ += s.data.weight * set_misfit(s, s.trial_sum);
  }
  trial_atom_ = m;
  trial_x_ = x;
  return true;
}

void RmcModel::accept() {
  for (auto& s : sets_) s.sum.swap(s.trial_sum);
  sys_.position_A[trial_atom_] = trial_x_;
  misfit_ = trial_misfit_;
  if (sc_on_) {
    for (std::size_t j = 0; j < sc_rho_.size(); ++j)
      if (j != trial_atom_) sc_rho_[j] += sc_drho_[j];
    sc_rho_[trial_atom_] = trial_rho_m_;
  }
}

double RmcModel::refit_s02(std::size_t e) {
  auto& s = sets_.at(e);
  const std::size_t nk = s.k.size();
  std::vector<double> c(nk);
  for (std::size_t i = 0; i < nk; ++i) c[i] = s.sum[i] / s.n_absorbers + s.bg[i];
  double num = 0, den = 0;
  if (s.data.space == ResidualSpace::kK) {
    for (std::size_t i = 0; i < nk; ++i) {
      const double w = std::pow(s.kw[i] * s.window[i], 2);
      num += w * s.target[i] * c[i];
      den += w * c[i] * c[i];
    }
  } else {
    for (std::size_t j = 0; j < s.n_r; ++j) {
      double tr = 0, ti = 0, cr = 0, ci = 0;
      for (std::size_t i = 0; i < nk; ++i) {
        tr += s.m_re[j * nk + i] * s.target[i];
        ti += s.m_im[j * nk + i] * s.target[i];
        cr += s.m_re[j * nk + i] * c[i];
        ci += s.m_im[j * nk + i] * c[i];
      }
      num += tr * cr + ti * ci;
      den += cr * cr + ci * ci;
    }
  }
  if (den > 0 && num > 0) s.data.s02 = num / den;
  update_misfit();
  return s.data.s02;
}

std::vector<double> RmcModel::model_chi(std::size_t e) const {
  const auto& s = sets_.at(e);
  std::vector<double> out(s.k.size());
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = s.data.s02 * (s.sum[i] / s.n_absorbers + s.bg[i]);
  return out;
}

double RmcModel::r_factor(std::size_t e) const {
  const auto& s = sets_.at(e);
  const auto model = model_chi(e);
  double num = 0, den = 0;
  for (std::size_t i = 0; i < s.k.size(); ++i) {
    if (s.k[i] < s.data.k_min_invA - 1e-9 || s.k[i] > s.data.k_max_invA + 1e-9) continue;
    num += std::pow(s.kw[i] * (s.target[i] - model[i]), 2);
    den += std::pow(s.kw[i] * s.target[i], 2);
  }
  return num / den;
}

namespace {
// Multiple-scattering background of every data set from the model's current configuration.
void refresh_ms_background(RmcModel& model, const RmcOptions& options) {
  const auto cfg = model.structure();
  for (std::size_t e = 0; e < model.n_datasets(); ++e) {
    const auto& d = model.dataset(e);
    std::vector<std::size_t> sites;
    for (std::size_t i = 0; i < cfg.size(); ++i)
      if (cfg.site(i).z == d.absorber_z) sites.push_back(i);
    const std::size_t n = std::max<std::size_t>(1, std::min(options.ms_background_absorbers, sites.size()));
    std::vector<std::size_t> pick;
    for (std::size_t j = 0; j < n; ++j) pick.push_back(sites[j * sites.size() / n]);
    model.set_background(e, feff_output_k_grid(),
                         multiple_scattering_background(cfg, pick, d.phases,
                                                        ms_background_options(options)));
  }
}
}  // namespace

RmcResult run_rmc(const structure::Structure& start, const std::vector<RmcDataset>& datasets, const RmcOptions& options) {
  RmcModel model(start, datasets, options);
  RandomStream rng(options.seed, "rmc.chain." + std::to_string(options.chain));
  RmcResult res;
  res.misfit_history.push_back(model.misfit());
  res.r_factor_history.push_back(model.r_factor(0));
  std::size_t attempted = 0, accepted = 0;
  const std::size_t n = model.system().size();
  for (std::size_t mv = 0; mv < options.n_moves; ++mv) {
    double t = options.temperature;
    if (options.final_temperature >= 0 && options.n_moves > 1)
      t += (options.final_temperature - options.temperature) * static_cast<double>(mv) / static_cast<double>(options.n_moves - 1);
    const std::size_t m = rng.index(n);
    const Eigen::Vector3d x = model.system().position_A[m] + rng.in_ball(options.max_step_A);
    const double u = rng.uniform();
    if (model.propose(m, x)) {
      ++attempted;
      double delta = model.trial_misfit() - model.misfit();
      if (options.energy_temperature_K > 0) {
        // HRMC: ξ/T + E/(k_B T_phys); with T → 0 the data term alone decides (as plain RMC)
        delta = t > 0 ? delta / t + model.trial_energy_change() / (units::kBoltzmannEvPerK * options.energy_temperature_K)
                      : delta;
        if (t > 0) t = 1.0;
      }
      if (delta <= 0 || (t > 0 && u < std::exp(-delta / t))) {
        model.accept();
        ++accepted;
        if (accepted % 20000 == 0) model.recompute();  // removes accumulated round-off
      }
    }
    if (options.refit_s02_every && (mv + 1) % options.refit_s02_every == 0)
      for (std::size_t e = 0; e < model.n_datasets(); ++e) model.refit_s02(e);
    if (options.ms_background_every && (mv + 1) % options.ms_background_every == 0)
      refresh_ms_background(model, options);
    if (options.refit_e0_every && (mv + 1) % options.refit_e0_every == 0) {
      for (std::size_t e = 0; e < model.n_datasets(); ++e) model.refit_e0(e, options.e0_window_eV);
      if (options.cell_scale_window > 0) res.cell_scale *= model.refit_cell_scale(options.cell_scale_window);
      res.e0_history.push_back(model.e0_shift(0));
    }
    if (options.history_every && (mv + 1) % options.history_every == 0) {
      res.misfit_history.push_back(model.misfit());
      res.r_factor_history.push_back(model.r_factor(0));
    }
  }
  model.recompute();
  res.acceptance = attempted ? static_cast<double>(accepted) / static_cast<double>(attempted) : 0.0;
  res.final_configuration = model.structure();
  for (std::size_t e = 0; e < model.n_datasets(); ++e) {
    res.fit_k.push_back(model.fit_k(e));
    res.model_chi.push_back(model.model_chi(e));
    res.target_chi.push_back(model.target_chi(e));
    res.r_factor.push_back(model.r_factor(e));
    res.misfit_per_set.push_back(model.set_misfit(e));
    res.s02.push_back(model.s02(e));
    res.e0_shift_eV.push_back(model.e0_shift(e));
  }
  return res;
}

double fit_s02_e0(const structure::Structure& configuration, std::vector<RmcDataset>& datasets, std::size_t e,
                  const RmcOptions& options, double e0_lo, double e0_hi, double e0_step) {
  double best = 1e300, best_e0 = 0, best_s02 = 1;
  for (double e0 = e0_lo; e0 <= e0_hi + 1e-9; e0 += e0_step) {
    std::vector<RmcDataset> one = {datasets.at(e)};
    one[0].e0_shift_eV = e0;
    one[0].s02 = 1.0;
    one[0].space = ResidualSpace::kK;
    RmcModel m(configuration, one, options);
    const auto c = m.model_chi(0);  // includes background
    const auto& k = m.fit_k(0);
    const auto& t = m.target_chi(0);
    double num = 0, den = 0;
    for (std::size_t i = 0; i < k.size(); ++i) {
      if (k[i] < one[0].k_min_invA || k[i] > one[0].k_max_invA) continue;
      const double w = std::pow(k[i], 2 * one[0].k_weight);
      num += w * t[i] * c[i];
      den += w * c[i] * c[i];
    }
    const double s02 = den > 0 ? num / den : 1.0;
    one[0].s02 = s02;
    one[0].space = datasets[e].space;
    RmcModel m2(configuration, one, options);
    if (m2.misfit() < best) {
      best = m2.misfit();
      best_e0 = e0;
      best_s02 = s02;
    }
  }
  datasets[e].e0_shift_eV = best_e0;
  datasets[e].s02 = best_s02;
  return best;
}

EvaxResult run_evax(const structure::Structure& start, const std::vector<RmcDataset>& datasets,
                    const RmcOptions& options, const EvaxOptions& evax) {
  if (evax.population < 2) throw InputError("evax: population must be >= 2");
  RandomStream rng(options.seed, "evax.chain." + std::to_string(options.chain));
  const RmcModel base(start, datasets, options);
  std::vector<RmcModel> pop(evax.population, base);
  const std::size_t n = base.system().size();
  const std::vector<Eigen::Vector3d> sites = base.system().position_A;
  EvaxResult res;
  for (std::size_t g = 0; g < evax.generations; ++g) {
    const double f = evax.generations > 1 ? static_cast<double>(g) / static_cast<double>(evax.generations - 1) : 1.0;
    const double step = evax.initial_step_A + f * (evax.final_step_A - evax.initial_step_A);
    // (a) mutation: RMC moves accepted only when ξ decreases
    for (auto& m : pop)
      for (std::size_t mv = 0; mv < evax.moves_per_generation; ++mv) {
        const std::size_t a = rng.index(n);
        const Eigen::Vector3d x = m.system().position_A[a] + rng.in_ball(step);
        if (m.propose(a, x) && m.trial_misfit() < m.misfit()) m.accept();
      }
    // (b) crossover: random plane through the cell; one parent's displacements on each side
    std::vector<RmcModel> children;
    for (std::size_t c = 0; c < evax.population; ++c) {
      const std::size_t pa = rng.index(pop.size());
      std::size_t pb = rng.index(pop.size() - 1);
      if (pb >= pa) ++pb;
      Eigen::Vector3d normal = rng.normal3().normalized();
      const Eigen::Vector3d point = base.system().cell_A.transpose() * Eigen::Vector3d(rng.uniform(), rng.uniform(), rng.uniform());
      RmcModel child = pop[pa];
      for (std::size_t i = 0; i < n; ++i)
        if (base.system().minimum_image(sites[i] - point).dot(normal) > 0)
          child.system().position_A[i] = pop[pb].system().position_A[i];
      // reject offspring that violate the closest approach at the seam
      bool ok = true;
      for (const auto& p : find_pairs(child.system(), options.min_distance_A))
        if ((child.system().position_A[p.j] + p.shift_A - child.system().position_A[p.i]).norm() < options.min_distance_A) {
          ok = false;
          break;
        }
      if (!ok) continue;
      child.recompute();
      children.push_back(std::move(child));
    }
    // (c) selection
    for (auto& c : children) pop.push_back(std::move(c));
    std::stable_sort(pop.begin(), pop.end(), [](const RmcModel& a, const RmcModel& b) { return a.misfit() < b.misfit(); });
    pop.resize(evax.population, base);
    res.best_misfit_history.push_back(pop.front().misfit());
  }
  for (const auto& m : pop) {
    res.population.push_back(m.structure());
    res.misfit.push_back(m.misfit());
  }
  for (std::size_t e = 0; e < pop.front().n_datasets(); ++e) res.r_factor.push_back(pop.front().r_factor(e));
  return res;
}

}  // namespace xasforge::ensemble

#include "core/ensemble/snapshot_chi.hpp"

namespace xasforge::ensemble {

std::vector<double> multiple_scattering_background(const structure::Structure& configuration,
                                                   const std::vector<std::size_t>& absorbers,
                                                   const scattering::PhaseShifts& phases,
                                                   const SnapshotChiOptions& options) {
  if (absorbers.empty()) throw InputError("multiple_scattering_background: no absorber");
  SnapshotChiOptions ss = options;
  ss.max_legs = 2;
  SnapshotChiCalculator full(phases, options), single(phases, ss);
  const auto grid = feff_output_k_grid();
  std::vector<double> diff(grid.size(), 0.0);
  for (std::size_t a : absorbers) {
    const auto f = full.chi(configuration, a);
    const auto s = single.chi(configuration, a);
    for (std::size_t i = 0; i < grid.size(); ++i) diff[i] += (f[i] - s[i]) / static_cast<double>(absorbers.size());
  }
  return diff;
}

}  // namespace xasforge::ensemble
