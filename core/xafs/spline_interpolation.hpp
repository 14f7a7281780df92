#pragma once
/// The interpolating cubic spline of FITPACK with s = 0 (scipy's splrep(x, y, s=0) and
/// UnivariateSpline(x, y, s=0)) for a fixed set of abscissae: the collocation matrix is
/// factorised once, so many ordinate vectors can be interpolated cheaply (autobk does this).
#include <array>
#include <cstddef>
#include <vector>

#include "core/xafs/cubic_bspline.hpp"

namespace xasforge::xafs {

class SplineInterpolation {
 public:
  /// x strictly increasing, at least 4 points. Throws InputError otherwise.
  explicit SplineInterpolation(std::vector<double> x);

  const CubicBSplineBasis& basis() const { return basis_; }
  /// B-spline coefficients of the spline through (x, y).
  std::vector<double> coefficients(const std::vector<double>& y) const;
  /// The same for m ordinate vectors at once, stored row-major: y[i·m + r] is vector r at x[i];
  /// the result has the same layout. Solving together lets the compiler vectorise across r.
  std::vector<double> coefficients_block(std::vector<double> y, std::size_t m) const;

 private:
  std::vector<double> x_;
  CubicBSplineBasis basis_;
  // Banded LU factors (no pivoting: B-spline collocation matrices are totally positive, so
  // elimination without pivoting is stable; de Boor, A Practical Guide to Splines, ch. XIII).
  static constexpr std::size_t kBand = 3;
  std::vector<std::array<double, 2 * kBand + 1>> lu_;
};

/// Evaluates a spline with given coefficients at many points, reusing interval searches.
class SplineEvaluator {
 public:
  SplineEvaluator(const CubicBSplineBasis& basis, const std::vector<double>& points);
  std::vector<double> operator()(const std::vector<double>& coefficients) const;
  /// The value of basis function j at every point (a column of the evaluation matrix).
  std::vector<double> basis_column(std::size_t j) const;
  std::size_t size() const { return interval_.size(); }
  /// Index of the first of the four basis functions that are non-zero at point i, and their values.
  std::size_t first_basis(std::size_t i) const { return interval_[i] - 3; }
  const std::array<double, 4>& weights(std::size_t i) const { return weights_[i]; }

 private:
  std::vector<std::size_t> interval_;
  std::vector<std::array<double, 4>> weights_;
};

}  // namespace xasforge::xafs
