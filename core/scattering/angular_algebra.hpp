#pragma once
/// Angular algebra of the Rehr–Albers propagator, written once and used by the production
/// kernels (core/scattering/rehr_albers.cpp) and by the tests (through wigner_d and
/// hankel_coefficients, which call exactly this code): Wigner small-d columns by upward
/// recursion in l (docs/physics.md (E3.4)) and the γγ̃ normalisation (E3.6).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace xasforge::scattering::angular {

/// ln(n!) without lgamma's rounding noise at integers (table up to 199).
inline double log_factorial(int n) {
  static constexpr int kN = 200;
  static const std::array<double, kN> table = [] {
    std::array<double, kN> t{};
    t[0] = 0.0;
    for (int i = 1; i < kN; ++i) t[static_cast<std::size_t>(i)] = t[static_cast<std::size_t>(i - 1)] + std::log(static_cast<double>(i));
    return t;
  }();
  return n < kN ? table[static_cast<std::size_t>(n)] : std::lgamma(n + 1.0);
}

/// x^n for a small non-negative integer n by repeated multiplication (std::pow is a libm call).
inline double int_pow(double x, int n) {
  double r = 1.0;
  for (int i = 0; i < n; ++i) r *= x;
  return r;
}

/// (2l+1) N_{l|μ|}/N_{l|μ′|} (−1)^{|μ|} with N_{lm} = √((2l+1)(l−m)!/(l+m)!) (E3.6, E3.7): the
/// energy-independent factor of γ^l_{μν} γ̃^l_{μ′ν′} apart from the c̃ coefficients.
inline double gamma_norm(int l, int amu, int amup) {
  if (amu > l || amup > l) return 0.0;
  const double r = std::exp(0.5 * (log_factorial(l - amu) - log_factorial(l + amu) + log_factorial(l + amup) -
                                   log_factorial(l - amup)));
  return (amu % 2 == 0 ? 1.0 : -1.0) * (2.0 * l + 1.0) * r;
}

/// Coefficients of d^l_{μμ′}(β) for l = 0..lmax: Wigner's explicit sum at l = j0 = max(|μ|, |μ′|)
/// (row index μ, column μ′), then d^{j+1} = (ra_j cos β − rb_j) d^j − rc_j d^{j−1}, i.e.
/// a = (2j+1)(j(j+1) cos β − μμ′), b = (j+1)√((j²−μ²)(j²−μ′²)), d = j√(((j+1)²−μ²)((j+1)²−μ′²))
/// divided through by d. `norm[l]` multiplies the output (1, or gamma_norm for the kernels).
struct WignerRecursion {
  int mu = 0, mup = 0, j0 = 0;
  std::vector<double> start_coef;
  std::vector<int> start_pc, start_ps;  // powers of cos(β/2), sin(β/2) in the d^{j0} sum
  std::vector<double> ra, rb, rc, norm;
};

inline WignerRecursion wigner_recursion(int mu, int mup, int lmax, bool gamma_normalised) {
  WignerRecursion w;
  w.mu = mu;
  w.mup = mup;
  w.j0 = std::max(std::abs(mu), std::abs(mup));
  const int j = w.j0;
  const int smin = std::max(0, mup - mu);
  const int smax = std::min(j + mup, j - mu);
  const double lpref = 0.5 * (log_factorial(j + mu) + log_factorial(j - mu) + log_factorial(j + mup) + log_factorial(j - mup));
  for (int k = smin; k <= smax; ++k) {
    const double lden = log_factorial(j + mup - k) + log_factorial(k) + log_factorial(mu - mup + k) + log_factorial(j - mu - k);
    const double term = std::exp(lpref - lden);
    w.start_coef.push_back(((mu - mup + k) % 2 == 0) ? term : -term);
    w.start_pc.push_back(2 * j + mup - mu - 2 * k);
    w.start_ps.push_back(mu - mup + 2 * k);
  }
  const std::size_t n = static_cast<std::size_t>(std::max(lmax, 0) + 1);
  w.ra.assign(n, 0.0);
  w.rb.assign(n, 0.0);
  w.rc.assign(n, 0.0);
  w.norm.assign(n, 1.0);
  if (gamma_normalised) {
    for (int l = 0; l <= lmax; ++l) w.norm[static_cast<std::size_t>(l)] = gamma_norm(l, std::abs(mu), std::abs(mup));
  }
  for (int jj = std::max(j, 1); jj < lmax; ++jj) {
    const double x = jj;
    const double den = x * std::sqrt(((x + 1.0) * (x + 1.0) - mu * mu) * ((x + 1.0) * (x + 1.0) - mup * mup));
    w.ra[static_cast<std::size_t>(jj)] = (2.0 * x + 1.0) * x * (x + 1.0) / den;
    w.rb[static_cast<std::size_t>(jj)] = (2.0 * x + 1.0) * mu * mup / den;
    w.rc[static_cast<std::size_t>(jj)] = (x + 1.0) * std::sqrt((x * x - mu * mu) * (x * x - mup * mup)) / den;
  }
  return w;
}

/// out[l] = norm_l d^l_{μμ′}(β) for l = 0..lmax (zero below j0); ch, sh = cos(β/2), sin(β/2),
/// cb = cos β. lmax must not exceed the lmax the recursion was built for.
inline void eval_wigner(const WignerRecursion& w, double ch, double sh, double cb, int lmax, double* out) {
  const int j0 = w.j0;
  for (int l = 0; l <= lmax && l < j0; ++l) out[l] = 0.0;
  if (j0 > lmax) return;
  double d0 = 0.0;
  for (std::size_t k = 0; k < w.start_coef.size(); ++k) d0 += w.start_coef[k] * int_pow(ch, w.start_pc[k]) * int_pow(sh, w.start_ps[k]);
  double dm1 = 0.0, dj = d0;
  out[j0] = w.norm[static_cast<std::size_t>(j0)] * d0;
  int jstart = j0;
  if (j0 == 0 && lmax >= 1) {  // μ = μ′ = 0: Legendre polynomials, P_1 = cos β
    dm1 = d0;
    dj = cb;
    out[1] = w.norm[1] * cb;
    jstart = 1;
  }
  for (int jj = jstart; jj < lmax; ++jj) {
    const std::size_t q = static_cast<std::size_t>(jj);
    const double next = (w.ra[q] * cb - w.rb[q]) * dj - w.rc[q] * dm1;
    dm1 = dj;
    dj = next;
    out[jj + 1] = w.norm[q + 1] * next;
  }
}

}  // namespace xasforge::scattering::angular
