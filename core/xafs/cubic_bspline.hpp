#pragma once
/// Cubic B-splines evaluated as FITPACK's splev / fpbspl do (the routines behind scipy's splrep,
/// splev and UnivariateSpline that Larch's autobk uses), including polynomial extrapolation.
#include <array>
#include <cstddef>
#include <vector>

namespace xasforge::xafs {

class CubicBSplineBasis {
 public:
  /// knots: non-decreasing, at least 8 (4 basis functions). Throws InputError otherwise.
  explicit CubicBSplineBasis(std::vector<double> knots);

  std::size_t size() const { return knots_.size() - 4; }  ///< number of basis functions
  const std::vector<double>& knots() const { return knots_; }

  /// Index l of the knot interval used for x (3 <= l <= size()−1; outside the knot range the
  /// end intervals, i.e. the end polynomial pieces are extended) and the values of the four
  /// basis functions l−3 … l at x.
  std::size_t evaluate(double x, std::array<double, 4>& values) const;
  /// Same, starting the interval search at `hint` (the interval of a smaller x): linear time
  /// for a sorted sequence of points.
  std::size_t evaluate(double x, std::array<double, 4>& values, std::size_t hint) const;

  /// Σ_j coefficients[j]·B_j(x).
  double value(const std::vector<double>& coefficients, double x) const;

 private:
  std::vector<double> knots_;
};

/// FITPACK's knots for the interpolating cubic spline through abscissae x (splrep / curfit with
/// s = 0): x0 four times, x[2] … x[n−3], x[n−1] four times: the "not-a-knot" spline.
/// Throws InputError for fewer than 4 points.
std::vector<double> interpolation_knots(const std::vector<double>& x);

}  // namespace xasforge::xafs
