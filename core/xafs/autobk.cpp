#include "core/xafs/autobk.hpp"

#include <stdexcept>
#include <Eigen/Dense>
#include <unsupported/Eigen/NonLinearOptimization>
#include <unsupported/Eigen/NumericalDiff>
#include <boost/math/distributions/students_t.hpp>
#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <string>

#include "core/error.hpp"
#include "core/xafs/fourier_transform.hpp"
#include "core/xafs/larch_conventions.hpp"
#include "core/xafs/spline_interpolation.hpp"

namespace xasforge::xafs {

namespace {

// The autobk residual is affine in the spline coefficients c except for the clamp scale:
//   out(c) = out0 − M c          (Re/Im of the first irbkg chi(R) points, interleaved)
//   chi(c) = chi0 − G c          (chi_u on the output k grid; only its ends enter the clamps)
//   resid  = [out, s·|lo|·chi[:nclamp], s·|hi|·chi[−nclamp:]],  s = 1 + 100·mean(out²).
// M and G are built once, column by column, with the same spline and FFT steps Larch repeats
// at every evaluation, so each evaluation costs a small matrix–vector product.
struct ResidualModel {
  Eigen::VectorXd out0;
  Eigen::MatrixXd m;
  Eigen::VectorXd clamp0;  // chi0 at the clamp points (low then high)
  Eigen::MatrixXd clamp_g;
  Eigen::VectorXd clamp_weight;
};

struct AutobkFunctor {
  using Scalar = double;
  using InputType = Eigen::VectorXd;
  using ValueType = Eigen::VectorXd;
  using JacobianType = Eigen::MatrixXd;
  enum { InputsAtCompileTime = Eigen::Dynamic, ValuesAtCompileTime = Eigen::Dynamic };

  const ResidualModel* model = nullptr;
  int* n_evaluations = nullptr;

  int inputs() const { return static_cast<int>(model->m.cols()); }
  int values() const { return static_cast<int>(model->m.rows() + model->clamp0.size()); }
  int operator()(const Eigen::VectorXd& c, Eigen::VectorXd& fvec) const {
    ++*n_evaluations;
    const Eigen::Index nout = model->out0.size();
    fvec.resize(values());
    fvec.head(nout) = model->out0 - model->m * c;
    if (model->clamp0.size() == 0) return 0;
    const double scale = 1.0 + 100.0 * fvec.head(nout).squaredNorm() / static_cast<double>(nout);
    fvec.tail(model->clamp0.size()) =
        scale * model->clamp_weight.cwiseProduct(model->clamp0 - model->clamp_g * c);
    for (Eigen::Index i = 0; i < fvec.size(); ++i)
      if (!std::isfinite(fvec(i))) return -1;
    return 0;
  }
};

}  // namespace

AutobkResult autobk(const std::vector<double>& energy_in, const std::vector<double>& mu, double e0,
                    double edge_step, const AutobkOptions& o) {
  if (o.nfft < 4) throw InputError("autobk: nfft must be >= 4");
  return autobk(energy_in, mu, e0, edge_step, o, Fft(o.nfft));
}

AutobkResult autobk(const std::vector<double>& energy_in, const std::vector<double>& mu, double e0,
                    double edge_step, const AutobkOptions& o, const Fft& fft) {
  if (fft.size() != o.nfft)
    throw std::logic_error("autobk: the FFT is planned for " + std::to_string(fft.size()) + " points but nfft = " +
                     std::to_string(o.nfft));
  if (energy_in.size() != mu.size())
    throw InputError("autobk: energy has " + std::to_string(energy_in.size()) + " points but mu has " +
                     std::to_string(mu.size()));
  if (!(edge_step > 0)) throw InputError("autobk: edge step must be positive, got " + std::to_string(edge_step));
  const std::vector<double> energy = remove_duplicates(energy_in);
  const std::size_t n = energy.size();
  const double kstep = o.kstep_invA;
  const std::size_t nfft = o.nfft;

  const std::size_t ie0 = index_of(energy, e0);
  const double rgrid = std::numbers::pi / (kstep * static_cast<double>(nfft));
  const double rbkg = std::max(o.rbkg_A, 2 * rgrid);

  std::vector<double> kraw(n - ie0);
  for (std::size_t i = ie0; i < n; ++i) {
    const double d = energy[i] - e0;
    kraw[i - ie0] = (d > 0 ? 1.0 : (d < 0 ? -1.0 : 0.0)) * std::sqrt(kLarchEtok * std::abs(d));
  }
  if (kraw.size() < 5)
    throw InputError("autobk: only " + std::to_string(kraw.size()) + " points above E0 = " + std::to_string(e0) +
                     " eV; the background spline needs at least 5");
  const double kraw_max = *std::max_element(kraw.begin(), kraw.end());
  const double kmax = o.kmax_invA ? std::max(0.0, std::min(kraw_max, *o.kmax_invA)) : kraw_max;
  const double kmin = o.kmin_invA;
  if (!(kmax > kmin))
    throw InputError("autobk: kmax = " + std::to_string(kmax) + " 1/A is not above kmin = " + std::to_string(kmin));
  const auto nkout = static_cast<std::size_t>(1.01 + kmax / kstep);
  std::vector<double> kout(nkout);
  for (std::size_t i = 0; i < nkout; ++i) kout[i] = kstep * static_cast<double>(i);
  const std::size_t iemax = std::min(n, 2 + index_of(energy, e0 + kmax * kmax / kLarchEtok)) - 1;

  std::vector<double> ftwin = ft_window(kout, kmin, kmax, o.dk_invA, o.dk_invA, o.window);
  for (std::size_t i = 0; i < nkout; ++i)
    ftwin[i] = (o.kweight == 0.0 ? 1.0 : std::pow(kout[i], o.kweight)) * ftwin[i];

  // Knot count and fit range in R.
  int nspl = 1 + static_cast<int>(2 * rbkg * (kmax - kmin) / std::numbers::pi);
  const int irbkg = static_cast<int>(1 + (nspl - 1) * std::numbers::pi / (2 * rgrid * (kmax - kmin)));
  if (o.nknots) nspl = *o.nknots;
  nspl = std::max(5, std::min(128, nspl));

  std::vector<double> spl_k(static_cast<std::size_t>(nspl)), spl_y(static_cast<std::size_t>(nspl));
  for (int i = 0; i < nspl; ++i) {
    const double q = kmin + i * (kmax - kmin) / (nspl - 1);
    const std::size_t ik = index_nearest(kraw, q);
    const std::size_t i1 = std::min(kraw.size() - 1, ik + 5);
    const std::size_t i2 = ik >= 5 ? ik - 5 : 0;
    spl_k[static_cast<std::size_t>(i)] = kraw[ik];
    spl_y[static_cast<std::size_t>(i)] = (2 * mu[ik + ie0] + mu[i1 + ie0] + mu[i2 + ie0]) / 4.0;
  }
  for (std::size_t i = 1; i < spl_k.size(); ++i)
    if (!(spl_k[i] > spl_k[i - 1]))
      throw InputError("autobk: the data above E0 are too sparse for " + std::to_string(nspl) +
                       " spline knots between k = " + std::to_string(kmin) + " and " + std::to_string(kmax) +
                       " 1/A (two knots fall on the same point)");
  // Initial spline: interpolating cubic through the knot points (splrep, s = 0).
  const SplineInterpolation knot_spline(spl_k);
  std::vector<double> coefs = knot_spline.coefficients(spl_y);
  const CubicBSplineBasis& basis = knot_spline.basis();

  // Data in the fit: kraw[0 : iemax−ie0+1], mu[ie0 : iemax+1].
  const std::size_t nfit = iemax - ie0 + 1;
  std::vector<double> kfit(kraw.begin(), kraw.begin() + static_cast<std::ptrdiff_t>(nfit));
  std::vector<double> mufit(mu.begin() + static_cast<std::ptrdiff_t>(ie0),
                            mu.begin() + static_cast<std::ptrdiff_t>(iemax + 1));
  const SplineEvaluator bkg_at_data(basis, kfit);
  const SplineInterpolation data_spline(kfit);
  const SplineEvaluator chi_at_kout(data_spline.basis(), kout);
  auto interpolate_to_kout = [&](const std::vector<double>& y) { return chi_at_kout(data_spline.coefficients(y)); };

  const auto nout = static_cast<Eigen::Index>(2 * irbkg);
  auto ft_head = [&](const std::vector<double>& chi_k) {
    std::vector<double> weighted(nkout);
    for (std::size_t i = 0; i < nkout; ++i) weighted[i] = chi_k[i] * ftwin[i];
    const std::vector<std::complex<double>> chir = xftf_fast(weighted, fft, 0.05);
    Eigen::VectorXd v(nout);
    for (Eigen::Index j = 0; j < irbkg; ++j) {
      v(2 * j) = chir[static_cast<std::size_t>(j)].real();
      v(2 * j + 1) = chir[static_cast<std::size_t>(j)].imag();
    }
    return v;
  };
  const std::size_t nclamp = o.nclamp > 0 ? std::min<std::size_t>(static_cast<std::size_t>(o.nclamp), nkout) : 0;
  auto clamp_points = [&](const std::vector<double>& chi_k) {
    Eigen::VectorXd v(static_cast<Eigen::Index>(2 * nclamp));
    for (std::size_t i = 0; i < nclamp; ++i) {
      v(static_cast<Eigen::Index>(i)) = chi_k[i];
      v(static_cast<Eigen::Index>(nclamp + i)) = chi_k[nkout - nclamp + i];
    }
    return v;
  };

  // chi_u for the data (column 0) and for each background basis function (columns 1..nspl),
  // interpolated together: one banded solve with nspl + 1 right-hand sides.
  const std::size_t ncols = static_cast<std::size_t>(nspl) + 1;
  std::vector<double> block(nfit * ncols, 0.0);
  for (std::size_t i = 0; i < nfit; ++i) {
    block[i * ncols] = mufit[i];
    const std::size_t first = bkg_at_data.first_basis(i);
    const auto& w = bkg_at_data.weights(i);
    for (std::size_t m = 0; m < 4; ++m)
      if (first + m < static_cast<std::size_t>(nspl)) block[i * ncols + 1 + first + m] = w[m];
  }
  const std::vector<double> block_coefs = data_spline.coefficients_block(std::move(block), ncols);
  auto column_at_kout = [&](std::size_t r) {
    std::vector<double> coef(nfit);
    for (std::size_t i = 0; i < nfit; ++i) coef[i] = block_coefs[i * ncols + r];
    return chi_at_kout(coef);
  };

  ResidualModel model;
  std::vector<double> chi0 = column_at_kout(0);
  if (!o.chi_std.empty()) {
    if (o.chi_std.size() != o.k_std_invA.size() || o.chi_std.size() < 2)
      throw InputError("autobk: k_std and chi_std must have the same length >= 2 (got " +
                       std::to_string(o.k_std_invA.size()) + " and " + std::to_string(o.chi_std.size()) + ")");
    const std::vector<double> std_on_kout = linear_interpolate(kout, o.k_std_invA, o.chi_std);
    for (std::size_t i = 0; i < nkout; ++i) chi0[i] -= std_on_kout[i];
  }
  model.out0 = ft_head(chi0);
  model.clamp0 = clamp_points(chi0);
  model.m.resize(nout, nspl);
  model.clamp_g.resize(static_cast<Eigen::Index>(2 * nclamp), nspl);
  for (int j = 0; j < nspl; ++j) {
    const std::vector<double> g = column_at_kout(static_cast<std::size_t>(j) + 1);
    model.m.col(j) = ft_head(g);
    model.clamp_g.col(j) = clamp_points(g);
  }
  model.clamp_weight.resize(static_cast<Eigen::Index>(2 * nclamp));
  for (std::size_t i = 0; i < nclamp; ++i) {
    model.clamp_weight(static_cast<Eigen::Index>(i)) = std::abs(o.clamp_lo);
    model.clamp_weight(static_cast<Eigen::Index>(nclamp + i)) = std::abs(o.clamp_hi);
  }

  // Levenberg–Marquardt as lmfit's 'leastsq' calls MINPACK lmdif from Larch: forward-difference
  // Jacobian with epsfcn = 1e-6, ftol = xtol = gtol = 1e-6, factor 100, maxfev 2000·(n+1).
  AutobkResult result;
  AutobkFunctor functor;
  functor.model = &model;
  functor.n_evaluations = &result.n_evaluations;
  Eigen::NumericalDiff<AutobkFunctor> numerical(functor, 1.0e-6);
  Eigen::LevenbergMarquardt<Eigen::NumericalDiff<AutobkFunctor>> lm(numerical);
  lm.parameters.ftol = 1.0e-6;
  lm.parameters.xtol = 1.0e-6;
  lm.parameters.gtol = 1.0e-6;
  lm.parameters.factor = 100.0;
  lm.parameters.maxfev = 2000 * (nspl + 1);
  lm.parameters.epsfcn = 1.0e-6;
  Eigen::VectorXd c(nspl);
  for (int j = 0; j < nspl; ++j) c(j) = coefs[static_cast<std::size_t>(j)];
  const auto status = lm.minimize(c);
  if (status == Eigen::LevenbergMarquardtSpace::ImproperInputParameters ||
      status == Eigen::LevenbergMarquardtSpace::UserAsked || !c.allFinite())
    throw PhysicsError("autobk: the background fit failed (Levenberg-Marquardt status " +
                       std::to_string(static_cast<int>(status)) + ")");
  for (int j = 0; j < nspl; ++j) coefs[static_cast<std::size_t>(j)] = c(j);

  // Final background and chi, evaluated directly (not through the linear model).
  const std::vector<double> bkg = bkg_at_data(coefs);
  std::vector<double> diff(nfit);
  for (std::size_t i = 0; i < nfit; ++i) diff[i] = mufit[i] - bkg[i];
  const std::vector<double> chi = interpolate_to_kout(diff);

  result.k_invA = kout;
  result.chi.resize(nkout);
  for (std::size_t i = 0; i < nkout; ++i) result.chi[i] = chi[i] / edge_step;
  result.bkg = mu;
  for (std::size_t i = 0; i < nfit; ++i) result.bkg[ie0 + i] = bkg[i];
  result.chie.resize(n);
  for (std::size_t i = 0; i < n; ++i) result.chie[i] = (mu[i] - result.bkg[i]) / edge_step;
  result.knots_k_invA = spl_k;
  result.spline_coefficients = coefs;
  result.nspl = nspl;
  result.irbkg = irbkg;
  result.kmax_invA = kmax;
  Eigen::VectorXd fvec;
  functor(c, fvec);
  result.chi_square = fvec.squaredNorm();
  const auto ndata = static_cast<double>(fvec.size());
  result.reduced_chi_square = result.chi_square / std::max(1.0, ndata - nspl);

  if (o.calc_uncertainties) {
    // Larch: covariance from MINPACK's last QR of the Jacobian (scipy.leastsq's cov_x =
    // (JᵀJ)⁻¹ = P (RᵀR)⁻¹ Pᵀ); the coefficient steps are stderr/2 with stderr = sqrt(cov·redchi);
    // chi and mu0 are linear in the coefficients, so Larch's central differences are exactly
    // −G (chi) and the B-spline basis (mu0). Band = t_{prob}(n − nspl) · sqrt(gᵀ cov g · redchi).
    const Eigen::MatrixXd r = lm.fjac.topRows(nspl).triangularView<Eigen::Upper>();
    const Eigen::MatrixXd rtr_inv = (r.transpose() * r).inverse();
    Eigen::MatrixXd cov(nspl, nspl);
    const auto& perm = lm.permutation.indices();
    for (int i = 0; i < nspl; ++i)
      for (int j = 0; j < nspl; ++j) cov(perm(i), perm(j)) = rtr_inv(i, j);
    const double redchi = result.reduced_chi_square;
    const double prob = 0.5 * (1.0 + std::erf(o.err_sigma / std::sqrt(2.0)));
    auto t_quantile = [&](double dof) {
      return boost::math::quantile(boost::math::students_t_distribution<double>(dof), prob);
    };
    // chi: the Jacobian columns are the interpolated basis functions g_j = column j+1 of the block.
    Eigen::MatrixXd g(static_cast<Eigen::Index>(nkout), nspl);
    for (int j = 0; j < nspl; ++j) {
      const std::vector<double> gj = column_at_kout(static_cast<std::size_t>(j) + 1);
      for (std::size_t i = 0; i < nkout; ++i) g(static_cast<Eigen::Index>(i), j) = gj[i];
    }
    const Eigen::MatrixXd gc = g * cov;
    const double t_chi = t_quantile(static_cast<double>(nkout) - nspl);
    result.delta_chi.resize(nkout);
    for (std::size_t i = 0; i < nkout; ++i) {
      const auto row = static_cast<Eigen::Index>(i);
      result.delta_chi[i] = t_chi * std::sqrt(gc.row(row).dot(g.row(row)) * redchi);
    }
    const double t_bkg = t_quantile(static_cast<double>(nfit) - nspl);
    result.delta_bkg.assign(n, 0.0);
    for (std::size_t i = 0; i < nfit; ++i) {
      const std::size_t first = bkg_at_data.first_basis(i);
      const auto& w = bkg_at_data.weights(i);
      double var = 0.0;
      for (std::size_t a = 0; a < 4; ++a)
        for (std::size_t b = 0; b < 4; ++b)
          if (first + a < static_cast<std::size_t>(nspl) && first + b < static_cast<std::size_t>(nspl))
            var += w[a] * w[b] * cov(static_cast<Eigen::Index>(first + a), static_cast<Eigen::Index>(first + b));
      result.delta_bkg[ie0 + i] = t_bkg * std::sqrt(var * redchi);
    }
  }
  return result;
}

}  // namespace xasforge::xafs
