#include "core/xafs/spline_interpolation.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"

namespace xasforge::xafs {

namespace {
std::vector<double> checked(std::vector<double> x) {
  for (std::size_t i = 1; i < x.size(); ++i)
    if (!(x[i] > x[i - 1]))
      throw InputError("spline interpolation: abscissae must be strictly increasing (x[" + std::to_string(i) +
                       "] = " + std::to_string(x[i]) + " after " + std::to_string(x[i - 1]) + ")");
  return x;
}
}  // namespace

SplineInterpolation::SplineInterpolation(std::vector<double> x)
    : x_(checked(std::move(x))), basis_(interpolation_knots(x_)) {
  const std::size_t n = x_.size();
  const auto band = static_cast<long>(kBand);
  lu_.assign(n, {});
  // Row i holds A[i][j] at lu_[i][j − i + kBand].
  std::size_t l = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::array<double, 4> h{};
    l = basis_.evaluate(x_[i], h, l);
    for (std::size_t m = 0; m < 4; ++m) {
      const long j = static_cast<long>(l - 3 + m);
      const long offset = j - static_cast<long>(i) + band;
      if (offset < 0 || offset > 2 * band) {
        if (h[m] != 0.0) throw PhysicsError("spline interpolation: collocation matrix wider than its band");
        continue;
      }
      lu_[i][static_cast<std::size_t>(offset)] = h[m];
    }
  }
  // In-place banded LU without pivoting.
  for (std::size_t k = 0; k < n; ++k) {
    const double pivot = lu_[k][kBand];
    if (pivot == 0.0 || !std::isfinite(pivot))
      throw PhysicsError("spline interpolation: singular collocation matrix at point " + std::to_string(k));
    for (std::size_t i = k + 1; i < std::min(n, k + kBand + 1); ++i) {
      const std::size_t off_ik = k + kBand - i;  // column k in row i
      const double factor = lu_[i][off_ik] / pivot;
      if (factor == 0.0) continue;
      lu_[i][off_ik] = factor;
      for (std::size_t j = k + 1; j < std::min(n, k + kBand + 1); ++j) {
        lu_[i][j + kBand - i] -= factor * lu_[k][j + kBand - k];
      }
    }
  }
}

std::vector<double> SplineInterpolation::coefficients(const std::vector<double>& y) const {
  const std::size_t n = x_.size();
  if (y.size() != n)
    throw InputError("spline interpolation: " + std::to_string(y.size()) + " ordinates for " +
                     std::to_string(n) + " abscissae");
  std::vector<double> c = y;
  double* cv = c.data();
  for (std::size_t i = 1; i < n; ++i) {  // forward: L has unit diagonal
    const std::size_t from = i > kBand ? i - kBand : 0;
    const double* row = lu_[i].data();  // row[k + kBand - i] = L[i][k]
    double sum = cv[i];
    for (std::size_t k = from; k < i; ++k) sum -= row[k + kBand - i] * cv[k];
    cv[i] = sum;
  }
  for (std::size_t ii = n; ii-- > 0;) {  // backward
    const std::size_t to = std::min(n, ii + kBand + 1);
    const double* row = lu_[ii].data();  // row[j + kBand - ii] = U[ii][j]
    double sum = cv[ii];
    for (std::size_t j = ii + 1; j < to; ++j) sum -= row[j + kBand - ii] * cv[j];
    cv[ii] = sum / row[kBand];
  }
  return c;
}

std::vector<double> SplineInterpolation::coefficients_block(std::vector<double> y, std::size_t m) const {
  const std::size_t n = x_.size();
  if (y.size() != n * m)
    throw InputError("spline interpolation: " + std::to_string(y.size()) + " ordinates for " + std::to_string(n) +
                     " abscissae x " + std::to_string(m) + " vectors");
  double* c = y.data();
  for (std::size_t i = 1; i < n; ++i) {
    const std::size_t from = i > kBand ? i - kBand : 0;
    double* ci = c + i * m;
    for (std::size_t k = from; k < i; ++k) {
      const double l = lu_[i][k + kBand - i];
      const double* ck = c + k * m;
      for (std::size_t r = 0; r < m; ++r) ci[r] -= l * ck[r];
    }
  }
  for (std::size_t ii = n; ii-- > 0;) {
    const std::size_t to = std::min(n, ii + kBand + 1);
    double* ci = c + ii * m;
    for (std::size_t j = ii + 1; j < to; ++j) {
      const double u = lu_[ii][j + kBand - ii];
      const double* cj = c + j * m;
      for (std::size_t r = 0; r < m; ++r) ci[r] -= u * cj[r];
    }
    const double pivot = lu_[ii][kBand];
    for (std::size_t r = 0; r < m; ++r) ci[r] /= pivot;
  }
  return y;
}

SplineEvaluator::SplineEvaluator(const CubicBSplineBasis& basis, const std::vector<double>& points)
    : interval_(points.size()), weights_(points.size()) {
  std::size_t hint = 0;
  for (std::size_t i = 0; i < points.size(); ++i) hint = interval_[i] = basis.evaluate(points[i], weights_[i], hint);
}

std::vector<double> SplineEvaluator::operator()(const std::vector<double>& c) const {
  std::vector<double> out(interval_.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::size_t base = interval_[i] - 3;
    const auto& w = weights_[i];
    out[i] = c[base] * w[0] + c[base + 1] * w[1] + c[base + 2] * w[2] + c[base + 3] * w[3];
  }
  return out;
}

std::vector<double> SplineEvaluator::basis_column(std::size_t j) const {
  std::vector<double> out(interval_.size(), 0.0);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::size_t base = interval_[i] - 3;
    if (j >= base && j < base + 4) out[i] = weights_[i][j - base];
  }
  return out;
}

}  // namespace xasforge::xafs
