#pragma once
/// Logarithmic radial grid and the scalar-relativistic radial equation used by the native
/// potential code (docs/scattering_native.md §2). Hartree atomic units (bohr, Ha), c = 137.036.
///
/// The radial equation is the j-averaged Dirac equation without spin–orbit coupling of Koelling &
/// Harmon, J. Phys. C 10, 3107 (1977), eqs. 14–15, written for P = r g and Q = (P' − P/r)/(2M):
///   dP/dr = 2 M Q + P/r,   dQ/dr = [l(l+1)/(2 M r²) + V − E] P − Q/r,   M = 1 + (E − V)/(2c²),
/// integrated in x = ln r by the classical 4th-order Runge–Kutta method. It works for real E
/// (bound states of the free atoms) and complex E and V (scattering states with the complex
/// self-energy).
#include <cmath>
#include <complex>
#include <cstddef>
#include <vector>

namespace xasforge::scattering::native {

inline constexpr double kSpeedOfLight = 137.035999;  ///< c in Hartree atomic units (CODATA)

/// r_i = exp(x0 + i h), i = 0..n−1.
struct RadialGrid {
  double x0 = -11.0;
  double h = 0.01;
  std::size_t n = 0;
  std::vector<double> r;
  RadialGrid() = default;
  RadialGrid(double x0_, double h_, double r_max);
  double x(std::size_t i) const { return x0 + h * static_cast<double>(i); }
  /// Largest index i with r_i ≤ r (0 below the grid).
  std::size_t index_below(double rr) const;
  /// ∫ f dr over the whole grid (trapezoid in x; f sampled on the grid).
  double integrate(const std::vector<double>& f) const;
  /// Cumulative ∫_0^{r_i} f dr (trapezoid in x; the first interval [0, r_0] taken as f(r_0) r_0).
  std::vector<double> cumulative(const std::vector<double>& f) const;
  /// Value of f (sampled on the grid) at radius rr by 4-point Lagrange interpolation in x.
  double interpolate(const std::vector<double>& f, double rr) const;
};

/// Regular solution (P, Q) at one point.
template <class T>
struct RadialState {
  T p{}, q{};
};

/// Right-hand side of the radial equation in x = ln r (Koelling & Harmon 1977, eqs. 14–15 above):
/// dP/dx = 2 M r Q + P,  dQ/dx = [l(l+1)/(2 M r) + r (V − E)] P − Q.
template <class T>
inline void radial_rhs(double r, const T& v, const T& e, double ll1, double inv_2c2, const T& p, const T& q, T& dp,
                       T& dq) {
  const T m = 1.0 + (e - v) * inv_2c2;
  dp = 2.0 * m * r * q + p;
  dq = (ll1 / (2.0 * m * r) + r * (v - e)) * p - q;
}

/// One classical Runge–Kutta step of size s in x from x0 (radius r0 = e^{x0}); v0, vm, v1 are the
/// potential at x0, x0 + s/2 and x0 + s.
template <class T>
inline void rk4_step(double x0, double s, const T& v0, const T& vm, const T& v1, const T& e, double ll1,
                     double inv_2c2, T& p, T& q) {
  const double r0 = std::exp(x0), rm = std::exp(x0 + 0.5 * s), r1 = std::exp(x0 + s);
  T k1p, k1q, k2p, k2q, k3p, k3q, k4p, k4q;
  radial_rhs(r0, v0, e, ll1, inv_2c2, p, q, k1p, k1q);
  radial_rhs(rm, vm, e, ll1, inv_2c2, T(p + 0.5 * s * k1p), T(q + 0.5 * s * k1q), k2p, k2q);
  radial_rhs(rm, vm, e, ll1, inv_2c2, T(p + 0.5 * s * k2p), T(q + 0.5 * s * k2q), k3p, k3q);
  radial_rhs(r1, v1, e, ll1, inv_2c2, T(p + s * k3p), T(q + s * k3q), k4p, k4q);
  p += (s / 6.0) * (k1p + 2.0 * k2p + 2.0 * k3p + k4p);
  q += (s / 6.0) * (k1q + 2.0 * k2q + 2.0 * k3q + k4q);
}

}  // namespace xasforge::scattering::native
