#include "core/features/real_spherical_harmonics.hpp"

#include <cmath>
#include <numbers>

namespace xasforge::features {

void real_spherical_harmonics(int l_max, const Eigen::Vector3d& direction, std::vector<double>& out) {
  out.assign(static_cast<std::size_t>((l_max + 1) * (l_max + 1)), 0.0);
  const double r = direction.norm();
  double x = 0.0, y = 0.0, z = 1.0;
  if (r > 0.0) {
    x = direction.x() / r;
    y = direction.y() / r;
    z = direction.z() / r;
  }
  const double rho = std::hypot(x, y);  // sin θ
  // cos(mφ), sin(mφ) by the angle-addition recurrence on (x, y)/ρ.
  const double cphi = rho > 0.0 ? x / rho : 1.0;
  const double sphi = rho > 0.0 ? y / rho : 0.0;

  // Q_lm = N_lm P_l^m(cos θ) without the Condon–Shortley phase, N_lm = sqrt((2l+1)/4π (l−m)!/(l+m)!),
  // by the standard stable recurrences in l at fixed m.
  std::vector<double> q(out.size(), 0.0);
  auto Q = [&](int l, int m) -> double& { return q[static_cast<std::size_t>(lm_index(l, m))]; };
  Q(0, 0) = 0.5 / std::sqrt(std::numbers::pi);
  for (int m = 1; m <= l_max; ++m) Q(m, m) = std::sqrt((2.0 * m + 1.0) / (2.0 * m)) * rho * Q(m - 1, m - 1);
  for (int m = 0; m < l_max; ++m) Q(m + 1, m) = std::sqrt(2.0 * m + 3.0) * z * Q(m, m);
  for (int m = 0; m <= l_max; ++m)
    for (int l = m + 2; l <= l_max; ++l) {
      const double a = std::sqrt((4.0 * l * l - 1.0) / (static_cast<double>(l) * l - static_cast<double>(m) * m));
      const double b = std::sqrt(((l - 1.0) * (l - 1.0) - static_cast<double>(m) * m) / (4.0 * (l - 1.0) * (l - 1.0) - 1.0));
      Q(l, m) = a * (z * Q(l - 1, m) - b * Q(l - 2, m));
    }

  double cm = 1.0, sm = 0.0;  // cos(mφ), sin(mφ)
  for (int m = 0; m <= l_max; ++m) {
    for (int l = m; l <= l_max; ++l) {
      if (m == 0) {
        out[static_cast<std::size_t>(lm_index(l, 0))] = Q(l, 0);
      } else {
        out[static_cast<std::size_t>(lm_index(l, m))] = std::numbers::sqrt2 * Q(l, m) * cm;
        out[static_cast<std::size_t>(lm_index(l, -m))] = std::numbers::sqrt2 * Q(l, m) * sm;
      }
    }
    const double c_next = cm * cphi - sm * sphi;
    sm = sm * cphi + cm * sphi;
    cm = c_next;
  }
}

}  // namespace xasforge::features
