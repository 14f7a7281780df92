#include "core/xafs/polynomial_fit.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <string>

#include "core/error.hpp"

namespace xasforge::xafs {

namespace {
double integer_power(double x, int p) {
  double v = 1.0;
  for (int i = 0; i < p; ++i) v *= x;
  return v;
}
}  // namespace

PolynomialFit::PolynomialFit(const std::vector<double>& x, const std::vector<double>& y,
                             const std::vector<int>& powers)
    : powers_(powers) {
  std::vector<double> xs, ys;
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i)
    if (std::isfinite(x[i]) && std::isfinite(y[i])) {
      xs.push_back(x[i]);
      ys.push_back(y[i]);
    }
  if (xs.size() < powers.size() || xs.empty())
    throw InputError("polynomial fit: " + std::to_string(xs.size()) + " finite points for " +
                     std::to_string(powers.size()) + " coefficients");
  double lo = xs[0], hi = xs[0], sum = 0.0;
  for (double v : xs) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
  }
  centre_ = sum / static_cast<double>(xs.size());
  scale_ = (hi - lo) > 0 ? (hi - lo) / 2 : 1.0;
  // A monomial basis in x maps onto a full polynomial basis in t = (x − c)/s only when all lower
  // powers are free. The flattening fit may fix c1 or c2 at zero, which is a constraint in x:
  // build the design matrix in x-monomials expressed through t (exact, just rescaled columns).
  const auto n = static_cast<Eigen::Index>(xs.size());
  const auto m = static_cast<Eigen::Index>(powers.size());
  bool contiguous = true;
  for (std::size_t j = 0; j < powers.size(); ++j) contiguous = contiguous && powers[j] == static_cast<int>(j);
  Eigen::MatrixXd a(n, m);
  Eigen::VectorXd b(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double xi = xs[static_cast<std::size_t>(i)];
    const double t = (xi - centre_) / scale_;
    for (Eigen::Index j = 0; j < m; ++j)
      a(i, j) = contiguous ? integer_power(t, powers[static_cast<std::size_t>(j)])
                           : integer_power(xi / scale_, powers[static_cast<std::size_t>(j)]);
    b(i) = ys[static_cast<std::size_t>(i)];
  }
  if (!contiguous) centre_ = 0.0;
  Eigen::VectorXd c = a.colPivHouseholderQr().solve(b);
  coefficients_.assign(c.data(), c.data() + c.size());
}

double PolynomialFit::operator()(double x) const {
  const double t = (x - centre_) / scale_;
  double v = 0.0;
  for (std::size_t j = 0; j < powers_.size(); ++j) v += coefficients_[j] * integer_power(t, powers_[j]);
  return v;
}

}  // namespace xasforge::xafs
