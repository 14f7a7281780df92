#pragma once
/// Small numerical helpers shared by several modules, written once (docs/physics.md §11):
/// linear interpolation (E11.1), golden-section search (E11.2) and the E0-shifted wavenumber
/// (E1.3).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <tuple>
#include <utility>
#include <vector>

#include "core/units.hpp"

namespace xasforge::numerics {

/// Segment of a strictly increasing grid x (size ≥ 2) used for v, and the weight t of its right
/// end: v = x[i] + t (x[i+1] − x[i]). Outside the grid the first or last segment is returned,
/// so t < 0 or t > 1 extrapolates linearly.
inline std::pair<std::size_t, double> locate_segment(const std::vector<double>& x, double v) {
  const auto it = std::upper_bound(x.begin(), x.end(), v);
  std::size_t i = it == x.begin() ? 0 : static_cast<std::size_t>(it - x.begin()) - 1;
  i = std::min(i, x.size() - 2);
  return {i, (v - x[i]) / (x[i + 1] - x[i])};
}

/// Linear interpolation of (x, y) at v (E11.1), x increasing; the end values are held outside
/// the grid. The arithmetic is numpy.interp's, slope·(v − x_j) + y_j, which the Larch-faithful
/// reduction code needs bit for bit.
inline double interp_linear(const std::vector<double>& x, const std::vector<double>& y, double v) {
  const std::size_t n = x.size();
  if (v <= x[0]) return y[0];
  if (v >= x[n - 1]) return y[n - 1];
  const std::size_t j = static_cast<std::size_t>(std::upper_bound(x.begin(), x.end(), v) - x.begin()) - 1;
  const double slope = (y[j + 1] - y[j]) / (x[j + 1] - x[j]);
  return slope * (v - x[j]) + y[j];
}

/// interp_linear at every point of xnew (xnew need not be sorted).
inline std::vector<double> interp_linear(const std::vector<double>& x, const std::vector<double>& y,
                                         const std::vector<double>& xnew) {
  std::vector<double> out(xnew.size());
  for (std::size_t i = 0; i < xnew.size(); ++i) out[i] = interp_linear(x, y, xnew[i]);
  return out;
}

/// Theory wavenumber after a shift ΔE0 of the energy origin (E1.3):
/// q = sign(k² − ETOK·ΔE0) √|k² − ETOK·ΔE0| (Larch's convention; the project's only one).
inline double shifted_wavenumber(double k_invA, double e0_shift_eV) {
  const double q2 = k_invA * k_invA - units::kEtok * e0_shift_eV;
  return std::copysign(std::sqrt(std::abs(q2)), q2);
}

/// Result of golden_section_minimum: the best point evaluated, and the final bracket.
struct GoldenSectionResult {
  double best_x = 0.0;
  double best_f = std::numeric_limits<double>::infinity();
  double lo = 0.0;
  double hi = 0.0;
};

/// Golden-section search for a minimum of f on [a, b], down to a bracket narrower than tol
/// (Kiefer, Proc. AMS 4, 502 (1953); (E11.2)). f is called at the two inner points first, then
/// known() supplies a point (x, f(x)) the caller already has, or evaluates at that moment (f may
/// have side effects, so the order of calls is part of the contract), then once per step.
template <class F, class Known>
GoldenSectionResult golden_section_minimum(F&& f, double a, double b, double tol, Known&& known) {
  const double g = 0.5 * (std::sqrt(5.0) - 1.0);
  double c = b - g * (b - a), d = a + g * (b - a);
  double fc = f(c), fd = f(d);
  GoldenSectionResult r;
  std::tie(r.best_x, r.best_f) = known();
  if (fc < r.best_f) r.best_x = c, r.best_f = fc;
  if (fd < r.best_f) r.best_x = d, r.best_f = fd;
  while (b - a > tol) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
      if (fc < r.best_f) r.best_x = c, r.best_f = fc;
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
      if (fd < r.best_f) r.best_x = d, r.best_f = fd;
    }
  }
  r.lo = a;
  r.hi = b;
  return r;
}

/// golden_section_minimum without a known point.
template <class F>
GoldenSectionResult golden_section_minimum(F&& f, double a, double b, double tol) {
  return golden_section_minimum(std::forward<F>(f), a, b, tol,
                                [] { return std::pair{0.0, std::numeric_limits<double>::infinity()}; });
}

}  // namespace xasforge::numerics
