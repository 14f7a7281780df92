#include "core/features/gto_radial_basis.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"

namespace xasforge::features {

GtoRadialBasis::GtoRadialBasis(double r_cut_A, int n_max, int l_max) : r_cut_A_(r_cut_A), n_max_(n_max), l_max_(l_max) {
  if (!(r_cut_A > 1.0) || !std::isfinite(r_cut_A))
    throw InputError("SOAP: r_cut must be > 1 Å for the GTO basis (its centres run from 1 Å to r_cut), got " +
                     std::to_string(r_cut_A));
  if (n_max < 1) throw InputError("SOAP: n_max must be >= 1, got " + std::to_string(n_max));
  if (l_max < 0 || l_max > 20) throw InputError("SOAP: l_max must be in 0..20, got " + std::to_string(l_max));

  for (int l = 0; l <= l_max; ++l) {
    Eigen::VectorXd a(n_max);
    for (int n = 0; n < n_max; ++n) {
      // numpy.linspace(1, r_cut, n_max): start + i*step, the last point set to r_cut exactly.
      const double step = n_max == 1 ? 0.0 : (r_cut_A - 1.0) / (n_max - 1);
      const double an = n_max == 1 ? 1.0 : (n == n_max - 1 ? r_cut_A : n * step + 1.0);
      a(n) = -std::log(1e-3 / std::pow(an, l)) / (an * an);
    }
    Eigen::MatrixXd s(n_max, n_max);
    const double g = std::tgamma(l + 1.5);
    for (int i = 0; i < n_max; ++i)
      for (int j = 0; j < n_max; ++j) s(i, j) = 0.5 * g * std::pow(a(i) + a(j), -l - 1.5);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(s);
    if (eig.info() != Eigen::Success || eig.eigenvalues().minCoeff() <= 0.0)
      throw InputError("SOAP: the GTO overlap matrix for l = " + std::to_string(l) +
                       " is not positive definite (n_max " + std::to_string(n_max) + " too large for r_cut " +
                       std::to_string(r_cut_A) + " Å)");
    const Eigen::VectorXd inv_sqrt = eig.eigenvalues().array().rsqrt();
    betas_.push_back(eig.eigenvectors() * inv_sqrt.asDiagonal() * eig.eigenvectors().transpose());
    alphas_.push_back(a);
  }
}

double GtoRadialBasis::g(int n, int l, double r_A) const {
  const auto& a = alphas_[static_cast<std::size_t>(l)];
  const auto& b = betas_[static_cast<std::size_t>(l)];
  double sum = 0.0;
  for (int k = 0; k < n_max_; ++k) sum += b(n, k) * std::exp(-a(k) * r_A * r_A);
  return sum * std::pow(r_A, l);
}

}  // namespace xasforge::features
