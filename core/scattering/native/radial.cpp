#include "core/scattering/native/radial.hpp"

#include <algorithm>
#include <stdexcept>

namespace xasforge::scattering::native {

RadialGrid::RadialGrid(double x0_, double h_, double r_max) : x0(x0_), h(h_) {
  n = static_cast<std::size_t>(std::ceil((std::log(r_max) - x0) / h)) + 1;
  r.resize(n);
  for (std::size_t i = 0; i < n; ++i) r[i] = std::exp(x(i));
}

std::size_t RadialGrid::index_below(double rr) const {
  if (rr <= r.front()) return 0;
  const auto i = static_cast<std::size_t>(std::floor((std::log(rr) - x0) / h + 1e-12));
  return std::min(i, n - 1);
}

double RadialGrid::integrate(const std::vector<double>& f) const {
  const auto c = cumulative(f);
  return c.back();
}

std::vector<double> RadialGrid::cumulative(const std::vector<double>& f) const {
  // ∫ f dr = ∫ f r dx; trapezoid in x, the part below r_0 approximated as f(r_0) r_0.
  std::vector<double> c(n);
  c[0] = f[0] * r[0];
  for (std::size_t i = 1; i < n; ++i) c[i] = c[i - 1] + 0.5 * h * (f[i - 1] * r[i - 1] + f[i] * r[i]);
  return c;
}

double RadialGrid::interpolate(const std::vector<double>& f, double rr) const {
  if (rr <= r.front()) return f.front();
  const double t = (std::log(rr) - x0) / h;
  long i = static_cast<long>(std::floor(t)) - 1;
  i = std::clamp(i, 0L, static_cast<long>(n) - 4);
  const double u = t - static_cast<double>(i);  // position within the 4 points i..i+3 (0..3)
  double out = 0.0;
  for (int a = 0; a < 4; ++a) {
    double w = 1.0;
    for (int b = 0; b < 4; ++b)
      if (b != a) w *= (u - b) / static_cast<double>(a - b);
    out += w * f[static_cast<std::size_t>(i + a)];
  }
  return out;
}

}  // namespace xasforge::scattering::native
