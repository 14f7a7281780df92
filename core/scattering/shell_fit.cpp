// First-shell R-space fit (docs/debye_waller.md, "Fitting measured spectra").
#include "core/scattering/shell_fit.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <Eigen/Dense>

#include "core/error.hpp"
#include "core/scattering/chi_sum.hpp"
#include "core/units.hpp"

namespace xasforge::scattering {

namespace {

constexpr int kNPar = 4;

Eigen::Vector4d to_vec(const ShellFitParameters& p) { return {p.s02, p.e0_eV, p.delta_r_A, p.sigma2_A2}; }
ShellFitParameters from_vec(const Eigen::Vector4d& v) { return {v(0), v(1), v(2), v(3)}; }

}  // namespace

void shell_model_chi(const PhaseShifts& phases, const std::vector<ScatteringPath>& paths,
                     const std::vector<std::vector<std::complex<double>>>& chi_tilde, const ShellFitParameters& p,
                     double k_max_invA, std::vector<double>& k_out, std::vector<double>& chi_out) {
  std::vector<PathParameters> params(paths.size());
  const double r1 = paths.front().reff_A;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    params[i].sigma2_A2 = p.sigma2_A2;
    params[i].delta_r_A = p.delta_r_A * paths[i].reff_A / r1;
  }
  ChiSumSettings s;
  s.s02 = p.s02;
  s.e0_eV = p.e0_eV;
  s.critcw_percent = 0.0;  // every path of the shell counts
  s.k_step_invA = 0.05;
  s.k_max_invA = k_max_invA;
  s.convention = ChiConvention::kLarch;  // feffit's path sum (docs/physics.md §1.4)
  Spectrum sp = sum_paths(phases, paths, chi_tilde, params, s);
  k_out = std::move(sp.k_invA);
  chi_out = std::move(sp.chi);
}

ShellFitResult fit_shell(const PhaseShifts& phases, const std::vector<ScatteringPath>& paths,
                         const std::vector<std::vector<std::complex<double>>>& chi_tilde,
                         const std::vector<double>& k_invA, const std::vector<double>& chi,
                         const ShellFitOptions& options, ShellFitParameters start) {
  if (paths.empty()) throw InputError("shell fit: no paths");
  if (k_invA.size() != chi.size() || k_invA.size() < 8) throw InputError("shell fit: data k and chi differ in length or are too short");
  if (!(options.rmax_A > options.rmin_A)) throw InputError("shell fit: rmax must exceed rmin");
  const double dk = options.xftf.kmax_invA - options.xftf.kmin_invA;
  const double dr = options.rmax_A - options.rmin_A;
  ShellFitResult res;
  res.n_independent = 2.0 * dk * dr / units::kPi;
  if (res.n_independent <= kNPar) {
    throw InputError("shell fit: the window holds " + std::to_string(res.n_independent) + " independent points, fewer than the " +
                     std::to_string(kNPar) + " parameters (widen the k or R range)");
  }
  const xafs::ChiR data = xafs::xftf(k_invA, chi, options.xftf);
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < data.r_A.size(); ++i) {
    if (data.r_A[i] >= options.rmin_A - 1e-9 && data.r_A[i] <= options.rmax_A + 1e-9) idx.push_back(i);
  }
  if (idx.size() < 3) throw InputError("shell fit: fewer than 3 R points in the window");
  const double kmax_model = std::min(phases.k_invA.back(), options.xftf.kmax_invA + options.xftf.dk_invA + 1.0);

  std::vector<double> km, cm;
  auto model_chir = [&](const Eigen::Vector4d& v) {
    shell_model_chi(phases, paths, chi_tilde, from_vec(v), kmax_model, km, cm);
    return xafs::xftf(km, cm, options.xftf);
  };
  const auto n = static_cast<Eigen::Index>(2 * idx.size());
  auto residual = [&](const Eigen::Vector4d& v) {
    const xafs::ChiR m = model_chir(v);
    Eigen::VectorXd r(n);
    for (std::size_t j = 0; j < idx.size(); ++j) {
      const auto d = m.chir[idx[j]] - data.chir[idx[j]];
      r(static_cast<Eigen::Index>(2 * j)) = d.real();
      r(static_cast<Eigen::Index>(2 * j + 1)) = d.imag();
    }
    return r;
  };
  // Finite-difference steps per parameter: S0², ΔE0 (eV), ΔR (Å), σ² (Å²).
  const Eigen::Vector4d step(1e-4, 1e-3, 1e-5, 1e-6);
  auto jacobian = [&](const Eigen::Vector4d& v, const Eigen::VectorXd& r0) {
    Eigen::MatrixXd j(n, kNPar);
    for (int c = 0; c < kNPar; ++c) {
      Eigen::Vector4d w = v;
      w(c) += step(c);
      j.col(c) = (residual(w) - r0) / step(c);
    }
    return j;
  };

  // Levenberg–Marquardt with Marquardt's diagonal scaling.
  Eigen::Vector4d v = to_vec(start);
  Eigen::VectorXd r = residual(v);
  double cost = r.squaredNorm();
  double lambda = 1e-3;
  int it = 0;
  for (; it < options.max_iterations; ++it) {
    const Eigen::MatrixXd j = jacobian(v, r);
    const Eigen::Matrix4d jtj = j.transpose() * j;
    const Eigen::Vector4d g = j.transpose() * r;
    bool improved = false;
    for (int tries = 0; tries < 20; ++tries) {
      Eigen::Matrix4d a = jtj;
      for (int c = 0; c < kNPar; ++c) a(c, c) += lambda * std::max(jtj(c, c), 1e-30);
      const Eigen::Vector4d delta = a.ldlt().solve(-g);
      Eigen::Vector4d trial = v + delta;
      trial(3) = std::max(trial(3), -0.01);  // keep σ² in a sane range while iterating
      const Eigen::VectorXd rt = residual(trial);
      const double ct = rt.squaredNorm();
      if (std::isfinite(ct) && ct < cost) {
        const double rel = (cost - ct) / std::max(cost, 1e-300);
        v = trial;
        r = rt;
        cost = ct;
        lambda = std::max(lambda / 10.0, 1e-12);
        improved = true;
        if (rel < 1e-10) res.converged = true;
        break;
      }
      lambda *= 10.0;
    }
    if (!improved) {
      res.converged = true;  // no downhill step left: at the minimum to rounding
      break;
    }
    if (res.converged) break;
  }
  if (!std::isfinite(cost)) throw PhysicsError("shell fit: the fit diverged");
  res.iterations = it + 1;
  res.best = from_vec(v);
  res.n_points = static_cast<int>(n);
  // Covariance: (JᵀJ)⁻¹ Σr² / (N_idp − N_par). The R points oversample the N_idp independent
  // values, which inflates JᵀJ and Σr² alike, so counting N_idp (not the points) as the degrees of
  // freedom gives the usual scaled covariance of an unweighted fit (as Larch's feffit does).
  const Eigen::MatrixXd j = jacobian(v, r);
  const Eigen::Matrix4d cov = (j.transpose() * j).inverse() * (cost / (res.n_independent - kNPar));
  res.uncertainty = from_vec(cov.diagonal().cwiseMax(0.0).cwiseSqrt());
  res.n_s02 = res.best.s02 * paths.front().degeneracy;
  res.n_s02_uncertainty = res.uncertainty.s02 * paths.front().degeneracy;
  double norm = 0.0;
  for (std::size_t i : idx) norm += std::norm(data.chir[i]);
  res.r_factor = cost / std::max(norm, 1e-300);
  const xafs::ChiR m = model_chir(v);
  for (std::size_t i : idx) {
    res.r_A.push_back(data.r_A[i]);
    res.data_chir.push_back(data.chir[i]);
    res.model_chir.push_back(m.chir[i]);
  }
  return res;
}

}  // namespace xasforge::scattering
