// χ(k) path sum (docs/physics.md §1.4–1.5, (E1.5)–(E1.8); Rehr & Albers, RMP 72, 621 (2000)): FEFF ff2x's recipe and Larch's path2chi convention.
#include "core/numerics/numerics.hpp"
#include "core/scattering/chi_sum.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <Eigen/Dense>

#include "core/error.hpp"
#include "core/units.hpp"

namespace xasforge::scattering {

namespace {

using cplx = std::complex<double>;
constexpr double kTwoPi = 2.0 * units::kPi;

void unwrap(std::vector<double>& phase) {
  double offset = 0.0;
  for (std::size_t i = 1; i < phase.size(); ++i) {
    const double raw_prev = phase[i - 1] - offset;
    const double raw = phase[i];
    const double d = raw - raw_prev;
    offset -= kTwoPi * std::round(d / kTwoPi);
    phase[i] = raw + offset;
  }
}

double reff_of(const ScatteringPath& path) {
  Eigen::Vector3d prev = Eigen::Vector3d::Zero();
  double total = 0.0;
  for (const auto& r : path.scatterers_A) {
    total += (r - prev).norm();
    prev = r;
  }
  total += prev.norm();
  return total / 2.0;
}

// Not-a-knot cubic spline (scipy interp1d(kind='cubic'), which Larch's `interp` uses).
class CubicSpline {
 public:
  CubicSpline(const std::vector<double>& x, const std::vector<double>& y) : x_(x), y_(y), m_(x.size(), 0.0) {
    const int n = static_cast<int>(x.size());
    if (n < 4) throw InputError("cubic spline needs at least 4 points");
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(n, n);
    Eigen::VectorXd b = Eigen::VectorXd::Zero(n);
    auto h = [&](int i) { return x[static_cast<std::size_t>(i + 1)] - x[static_cast<std::size_t>(i)]; };
    for (int i = 1; i < n - 1; ++i) {
      a(i, i - 1) = h(i - 1);
      a(i, i) = 2.0 * (h(i - 1) + h(i));
      a(i, i + 1) = h(i);
      b(i) = 6.0 * ((y[static_cast<std::size_t>(i + 1)] - y[static_cast<std::size_t>(i)]) / h(i) -
                    (y[static_cast<std::size_t>(i)] - y[static_cast<std::size_t>(i - 1)]) / h(i - 1));
    }
    a(0, 0) = h(1);
    a(0, 1) = -(h(0) + h(1));
    a(0, 2) = h(0);
    a(n - 1, n - 3) = h(n - 2);
    a(n - 1, n - 2) = -(h(n - 3) + h(n - 2));
    a(n - 1, n - 1) = h(n - 3);
    const Eigen::VectorXd m = a.partialPivLu().solve(b);
    for (int i = 0; i < n; ++i) m_[static_cast<std::size_t>(i)] = m(i);
  }
  double operator()(double xq) const {
    const auto it = std::upper_bound(x_.begin(), x_.end(), xq);
    std::size_t i = it == x_.begin() ? 0 : static_cast<std::size_t>(it - x_.begin()) - 1;
    i = std::min(i, x_.size() - 2);
    const double h = x_[i + 1] - x_[i];
    const double a = (x_[i + 1] - xq) / h, b = (xq - x_[i]) / h;
    return a * y_[i] + b * y_[i + 1] + ((a * a * a - a) * m_[i] + (b * b * b - b) * m_[i + 1]) * h * h / 6.0;
  }

 private:
  std::vector<double> x_, y_, m_;
};

}  // namespace

ChiConvention chi_convention_from_name(std::string_view name) {
  if (name == "feff") return ChiConvention::kFeff;
  if (name == "larch") return ChiConvention::kLarch;
  throw InputError("chi convention: unknown '" + std::string(name) + "'; expected one of: feff, larch");
}

Spectrum sum_paths(const PhaseShifts& phases, const std::vector<ScatteringPath>& paths,
                   const std::vector<std::vector<std::complex<double>>>& chi_tilde,
                   const std::vector<PathParameters>& params, const ChiSumSettings& settings) {
  const std::size_t ne = phases.k_invA.size();
  if (chi_tilde.size() != paths.size() || params.size() != paths.size()) {
    throw InputError("sum_paths: " + std::to_string(paths.size()) + " paths but " + std::to_string(chi_tilde.size()) +
                     " amplitudes and " + std::to_string(params.size()) + " parameter sets");
  }
  if (ne < 4 || phases.p_invA.size() != ne) throw InputError("sum_paths: phase-shift grid has fewer than 4 points");
  if (!(settings.k_step_invA > 0.0)) throw InputError("sum_paths: k step must be > 0");
  const std::vector<double>& kg = phases.k_invA;
  const std::vector<cplx>& pg = phases.p_invA;

  // Output grid (§1.4 step 4): multiples of the step from the first grid k up to the last.
  Spectrum out;
  const double kmax = std::min(settings.k_max_invA, kg.back());
  const double kmin = std::ceil(kg.front() / settings.k_step_invA - 1e-9) * settings.k_step_invA;
  const std::size_t nk = static_cast<std::size_t>(std::floor((kmax - kmin) / settings.k_step_invA + 1e-3)) + 1;  // grid k are rounded values (20.0 is 19.99999)
  out.k_invA.resize(nk);
  for (std::size_t j = 0; j < nk; ++j) out.k_invA[j] = kmin + settings.k_step_invA * static_cast<double>(j);
  // ΔE0: evaluate the theory at the shifted wavenumber q (docs/physics.md (E1.3)).
  std::vector<double> q(nk);
  for (std::size_t j = 0; j < nk; ++j) q[j] = numerics::shifted_wavenumber(out.k_invA[j], settings.e0_eV);

  // Curved-wave importance relative to the first path (§3.10).
  std::vector<double> integral(paths.size(), 0.0);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (chi_tilde[i].size() != ne) throw InputError("sum_paths: path " + std::to_string(paths[i].index) + " amplitude has the wrong size");
    for (std::size_t ie = 1; ie < ne; ++ie) {
      integral[i] += 0.5 * (std::abs(chi_tilde[i][ie]) + std::abs(chi_tilde[i][ie - 1])) * (std::abs(pg[ie]) - std::abs(pg[ie - 1]));
    }
  }
  const double ref = paths.empty() ? 1.0 : paths[0].degeneracy * integral[0];

  std::vector<cplx> total(nk, cplx(0.0, 0.0));
  std::vector<double> amp(ne), phase(ne);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const ScatteringPath& path = paths[i];
    const PathParameters& pp = params[i];
    PathContribution pc;
    pc.index = path.index;
    pc.n_legs = path.n_legs();
    pc.degeneracy = path.degeneracy;
    pc.reff_A = reff_of(path);
    pc.pw_importance_percent = path.pw_importance;
    pc.cw_importance_percent = ref > 0.0 ? 100.0 * path.degeneracy * integral[i] / ref : 0.0;
    pc.sigma2_A2 = pp.sigma2_A2;
    pc.included = pc.cw_importance_percent >= settings.critcw_percent;
    out.paths.push_back(pc);
    if (!pc.included) continue;
    const double r = pc.reff_A;
    const double nfac = path.degeneracy * settings.s02;
    if (settings.convention == ChiConvention::kFeff) {
      // §1.4 step 3: A = N S0² |χ̃| |D(p)|, Φ = arg χ̃ + arg D(p), 2π jumps removed.
      for (std::size_t ie = 0; ie < ne; ++ie) phase[ie] = std::arg(chi_tilde[i][ie]);
      unwrap(phase);
      for (std::size_t ie = 0; ie < ne; ++ie) {
        const cplx p = pg[ie];
        const cplx p2 = p * p;
        const cplx expo = cplx(0.0, 2.0) * p * pp.delta_r_A - 2.0 * p2 * pp.sigma2_A2 -
                          cplx(0.0, 4.0 / 3.0) * p2 * p * pp.c3_A3 + (2.0 / 3.0) * p2 * p2 * pp.c4_A4;
        amp[ie] = nfac * std::abs(chi_tilde[i][ie]) * std::exp(expo.real());
        phase[ie] += expo.imag();
      }
      // Step 5: linear interpolation of A and Φ separately; χ̃_tot += A e^{i(2qR + Φ)}.
      for (std::size_t j = 0; j < nk; ++j) {
        const auto [ie, w] = numerics::locate_segment(kg, q[j]);
        const double a = (1.0 - w) * amp[ie] + w * amp[ie + 1];
        const double ph = (1.0 - w) * phase[ie] + w * phase[ie + 1];
        total[j] += std::polar(a, 2.0 * q[j] * r + ph);
      }
    } else {
      // Larch (§1.4 "Larch differs"): cubic interpolation of |F| r_c, phase, Re p and λ at q.
      std::vector<double> famp(ne), rep(ne), lam(ne);
      for (std::size_t ie = 0; ie < ne; ++ie) {
        famp[ie] = std::abs(chi_tilde[i][ie]) * kg[ie] * r * r * std::exp(2.0 * r * pg[ie].imag());
        phase[ie] = std::arg(chi_tilde[i][ie]);
        rep[ie] = pg[ie].real();
        lam[ie] = 1.0 / pg[ie].imag();
      }
      unwrap(phase);
      const CubicSpline s_amp(kg, famp), s_pha(kg, phase), s_rep(kg, rep), s_lam(kg, lam);
      std::vector<cplx> c(nk);
      for (std::size_t j = 0; j < nk; ++j) {
        const double qq = std::abs(q[j]) < 1e-9 ? 1e-9 : q[j];
        const cplx p2 = std::pow(cplx(s_rep(qq), 1.0 / s_lam(qq)), 2);
        const cplx p = std::sqrt(p2);
        const cplx expo = -2.0 * r * p.imag() - 2.0 * p2 * (pp.sigma2_A2 - p2 * pp.c4_A4 / 3.0) +
                          cplx(0.0, 1.0) * (2.0 * qq * r + s_pha(qq) +
                                            2.0 * p * (pp.delta_r_A - 2.0 * pp.sigma2_A2 / r - 2.0 * p2 * pp.c3_A3 / 3.0));
        c[j] = nfac * s_amp(qq) * std::exp(expo) / (qq * (r + pp.delta_r_A) * (r + pp.delta_r_A));
      }
      if (nk >= 3) c[0] = 2.0 * c[1] - c[2];
      for (std::size_t j = 0; j < nk; ++j) total[j] += c[j];
    }
  }
  out.chi.resize(nk);
  out.chi_mag.resize(nk);
  out.chi_phase.resize(nk);
  for (std::size_t j = 0; j < nk; ++j) {
    out.chi[j] = total[j].imag();
    out.chi_mag[j] = std::abs(total[j]);
    out.chi_phase[j] = std::arg(total[j]);
  }
  unwrap(out.chi_phase);
  return out;
}

double r_factor(std::span<const double> k, std::span<const double> a, std::span<const double> b, double k_min,
                double k_max, int kweight) {
  if (a.size() != k.size() || b.size() != k.size()) throw InputError("r_factor: arrays differ in length");
  double num = 0.0, den = 0.0;
  for (std::size_t i = 0; i < k.size(); ++i) {
    if (k[i] < k_min - 1e-9 || k[i] > k_max + 1e-9) continue;
    const double w = std::pow(k[i], kweight);
    num += std::pow(w * (a[i] - b[i]), 2);
    den += std::pow(w * b[i], 2);
  }
  if (den <= 0.0) throw InputError("r_factor: reference is zero over the k range");
  return num / den;
}

}  // namespace xasforge::scattering
