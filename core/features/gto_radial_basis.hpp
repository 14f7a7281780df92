#pragma once
/// DScribe 2.1's Gaussian-type-orbital radial basis for SOAP (docs/physics.md (E7.5)): for each l,
/// a_n = linspace(1, r_cut, n_max), α_nl = −ln(10⁻³ / a_n^l) / a_n², φ_nl(r) = r^l e^{−α_nl r²},
/// Löwdin-orthonormalised with β^(l) = (S^(l))^{−1/2}, S^(l)_{nn′} = Γ(l+3/2) / (2(α_nl+α_n′l)^{l+3/2}),
/// g_nl(r) = Σ_n′ β^(l)_{nn′} φ_n′l(r), orthonormal with weight r² on [0, ∞).
#include <vector>

#include <Eigen/Dense>

namespace xasforge::features {

class GtoRadialBasis {
 public:
  /// Throws InputError unless r_cut_A > 1, n_max >= 1 and 0 <= l_max <= 20.
  GtoRadialBasis(double r_cut_A, int n_max, int l_max);

  int n_max() const { return n_max_; }
  int l_max() const { return l_max_; }
  double r_cut_A() const { return r_cut_A_; }
  /// α_nl (Å⁻²).
  double alpha(int n, int l) const { return alphas_[static_cast<std::size_t>(l)](n); }
  /// β^(l), n_max × n_max, symmetric.
  const Eigen::MatrixXd& beta(int l) const { return betas_[static_cast<std::size_t>(l)]; }
  /// g_nl(r) (Å^{−3/2}).
  double g(int n, int l, double r_A) const;

 private:
  double r_cut_A_;
  int n_max_;
  int l_max_;
  std::vector<Eigen::VectorXd> alphas_;
  std::vector<Eigen::MatrixXd> betas_;
};

}  // namespace xasforge::features
