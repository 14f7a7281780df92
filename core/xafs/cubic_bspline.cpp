#include "core/xafs/cubic_bspline.hpp"

#include <string>

#include "core/error.hpp"

namespace xasforge::xafs {

CubicBSplineBasis::CubicBSplineBasis(std::vector<double> knots) : knots_(std::move(knots)) {
  if (knots_.size() < 8)
    throw InputError("cubic B-spline: " + std::to_string(knots_.size()) + " knots; at least 8 are needed");
  for (std::size_t i = 1; i < knots_.size(); ++i)
    if (knots_[i] < knots_[i - 1]) throw InputError("cubic B-spline: knots must be non-decreasing");
}

std::size_t CubicBSplineBasis::evaluate(double x, std::array<double, 4>& h) const {
  return evaluate(x, h, 0);
}

std::size_t CubicBSplineBasis::evaluate(double x, std::array<double, 4>& h, std::size_t hint) const {
  const std::vector<double>& t = knots_;
  const std::size_t last = size() - 1;  // highest admissible interval index
  // Interval search t[l] <= x < t[l+1], clamped to [3, last] (splev's extrapolating search).
  std::size_t lo = 3, hi = last;
  std::size_t l = 3;
  if (hint >= 3 && hint <= last && t[hint] <= x) {
    l = hint;
    while (l < last && t[l + 1] <= x) ++l;
  } else if (x >= t[last]) {
    l = last;
  } else if (x >= t[3]) {
    while (hi - lo > 1) {
      const std::size_t mid = (lo + hi) / 2;
      if (t[mid] <= x) lo = mid; else hi = mid;
    }
    l = lo;
    while (l < last && t[l + 1] <= x) ++l;
  }
  // fpbspl: Cox–de Boor recursion for the k+1 = 4 non-zero basis functions.
  std::array<double, 4> hh{};
  h = {1.0, 0.0, 0.0, 0.0};
  for (std::size_t j = 1; j <= 3; ++j) {
    for (std::size_t i = 0; i < j; ++i) hh[i] = h[i];
    h[0] = 0.0;
    for (std::size_t i = 1; i <= j; ++i) {
      const std::size_t li = l + i;
      const std::size_t lj = li - j;
      if (t[li] == t[lj]) {
        h[i] = 0.0;
        continue;
      }
      const double f = hh[i - 1] / (t[li] - t[lj]);
      h[i - 1] = h[i - 1] + f * (t[li] - x);
      h[i] = f * (x - t[lj]);
    }
  }
  return l;
}

double CubicBSplineBasis::value(const std::vector<double>& c, double x) const {
  std::array<double, 4> h{};
  const std::size_t l = evaluate(x, h);
  double s = 0.0;
  for (std::size_t j = 0; j < 4; ++j) s += c[l - 3 + j] * h[j];
  return s;
}

std::vector<double> interpolation_knots(const std::vector<double>& x) {
  const std::size_t n = x.size();
  if (n < 4) throw InputError("cubic spline interpolation: " + std::to_string(n) + " points; at least 4 are needed");
  std::vector<double> t;
  t.reserve(n + 4);
  for (int i = 0; i < 4; ++i) t.push_back(x[0]);
  for (std::size_t i = 2; i + 2 < n; ++i) t.push_back(x[i]);
  for (int i = 0; i < 4; ++i) t.push_back(x[n - 1]);
  return t;
}

}  // namespace xasforge::xafs
