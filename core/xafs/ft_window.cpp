#include "core/xafs/ft_window.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/error.hpp"

namespace xasforge::xafs {

WindowKind parse_window(std::string_view name) {
  std::string key;
  for (char c : name)
    if (c != ' ' && c != '\t') key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  key = key.substr(0, 3);
  if (key == "han") return WindowKind::kHanning;
  if (key == "kai") return WindowKind::kKaiser;
  if (key == "par") return WindowKind::kParzen;
  if (key == "wel") return WindowKind::kWelch;
  if (key == "sin") return WindowKind::kSine;
  if (key == "gau") return WindowKind::kGaussian;
  throw InputError("unknown Fourier-transform window '" + std::string(name) +
                   "'; expected one of: hanning, kaiser, parzen, welch, sine, gaussian");
}

std::string window_name(WindowKind kind) {
  switch (kind) {
    case WindowKind::kHanning: return "hanning";
    case WindowKind::kKaiser: return "kaiser";
    case WindowKind::kParzen: return "parzen";
    case WindowKind::kWelch: return "welch";
    case WindowKind::kSine: return "sine";
    case WindowKind::kGaussian: return "gaussian";
  }
  return "hanning";
}

std::vector<double> ft_window(const std::vector<double>& x, double xmin, double xmax, double dx,
                              double dx2, WindowKind kind) {
  const std::size_t n = x.size();
  if (n < 2) throw InputError("ft_window: the grid needs at least 2 points, got " + std::to_string(n));
  constexpr double kPi = std::numbers::pi;
  double dx1 = dx;
  const double xstep = (x[n - 1] - x[0]) / static_cast<double>(n - 1);
  const double xeps = 1.0e-4 * xstep;
  const double x_lo = *std::min_element(x.begin(), x.end());
  const double x_hi = *std::max_element(x.begin(), x.end());
  double x1 = std::max(x_lo, xmin - dx1 / 2.0);
  double x2 = xmin + dx1 / 2.0 + xeps;
  double x3 = xmax - dx2 / 2.0 - xeps;
  double x4 = std::min(x_hi, xmax + dx2 / 2.0);
  if (kind == WindowKind::kGaussian) dx1 = std::max(dx1, xeps);

  // Python int() truncates toward zero; the arguments can be negative.
  auto asint = [&](double v) { return static_cast<long>(std::trunc((v + xeps) / xstep)); };
  const long last = static_cast<long>(n) - 1;
  long i1 = std::max(0L, asint(x1));
  long i2 = std::max(0L, asint(x2));
  long i3 = std::min(last, asint(x3));
  long i4 = std::min(last, asint(x4));
  if (i2 == i1) i1 = std::max(0L, i2 - 1);
  if (i4 == i3) i3 = std::max(i2, i4 - 1);
  // Python slices a[i:j] with negative or out-of-range bounds; clamp the same way.
  auto clamp_index = [&](long i) { return std::clamp(i, 0L, static_cast<long>(n)); };
  x1 = x[static_cast<std::size_t>(std::clamp(i1, 0L, last))];
  x2 = x[static_cast<std::size_t>(std::clamp(i2, 0L, last))];
  x3 = x[static_cast<std::size_t>(std::clamp(i3, 0L, last))];
  x4 = x[static_cast<std::size_t>(std::clamp(i4, 0L, last))];
  if (x1 == x2) x2 = x2 + xeps;
  if (x3 == x4) x4 = x4 + xeps;

  std::vector<double> w(n, 0.0);
  for (long i = clamp_index(i2); i < clamp_index(i3); ++i) w[static_cast<std::size_t>(i)] = 1.0;

  auto for_range = [&](long from, long to_inclusive, auto&& f) {
    const long a = clamp_index(from);
    const long b = clamp_index(to_inclusive + 1);
    for (long i = a; i < b; ++i) w[static_cast<std::size_t>(i)] = f(x[static_cast<std::size_t>(i)]);
  };
  switch (kind) {
    case WindowKind::kHanning:
      for_range(i1, i2, [&](double v) { const double s = std::sin((kPi / 2) * (v - x1) / (x2 - x1)); return s * s; });
      for_range(i3, i4, [&](double v) { const double c = std::cos((kPi / 2) * (v - x3) / (x4 - x3)); return c * c; });
      break;
    case WindowKind::kParzen:
      for_range(i1, i2, [&](double v) { return (v - x1) / (x2 - x1); });
      for_range(i3, i4, [&](double v) { return 1 - (v - x3) / (x4 - x3); });
      break;
    case WindowKind::kWelch:
      for_range(i1, i2, [&](double v) { const double t = (v - x2) / (x2 - x1); return 1 - t * t; });
      for_range(i3, i4, [&](double v) { const double t = (v - x3) / (x4 - x3); return 1 - t * t; });
      break;
    case WindowKind::kSine:
      for_range(i1, i4, [&](double v) { return std::sin(kPi * (x4 - v) / (x4 - x1)); });
      break;
    case WindowKind::kKaiser: {
      // scipy.special.i0 and std::cyl_bessel_i agree to ~1e-16 relative.
      const double cen = (x4 + x1) / 2;
      const double wid = (x4 - x1) / 2;
      const double scale = std::max(1.0e-10, std::cyl_bessel_i(0.0, dx) - 1);
      for (std::size_t i = 0; i < n; ++i) {
        double arg = 1 - (x[i] - cen) * (x[i] - cen) / (wid * wid);
        if (arg < 0) arg = 0;
        w[i] = (std::cyl_bessel_i(0.0, dx * std::sqrt(arg)) - 1) / scale;
      }
      break;
    }
    case WindowKind::kGaussian: {
      const double cen = (x4 + x1) / 2;
      for (std::size_t i = 0; i < n; ++i) w[i] = std::exp(-(((x[i] - cen) * (x[i] - cen)) / (2 * dx1 * dx1)));
      break;
    }
  }
  return w;
}

}  // namespace xasforge::xafs
