// Hedin–Lundqvist plasmon-pole self-energy (docs/scattering_native.md §5).
#include "core/scattering/native/self_energy.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace xasforge::scattering::native {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kKfRs = 1.9191582926775128;  // (9π/4)^{1/3}: k_F r_s

// 8-point Gauss–Legendre nodes and weights on [−1, 1].
constexpr std::array<double, 8> kGx{-0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498,
                                    0.1834346424956498,  0.5255324099163290,  0.7966664774136267,  0.9602898564975363};
constexpr std::array<double, 8> kGw{0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620,
                                    0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};

struct Gas {
  double kf, wp2, k, e;
  double omega(double q) const { return std::sqrt(wp2 + kf * kf * q * q / 3.0 + 0.25 * q * q * q * q); }
  // Angular-integrated plasmon term at momentum transfer q (Hedin & Lundqvist 1969, §15, with the
  // u = cos θ integral done in closed form): particle part (|k+q| > k_F) and hole part.
  std::complex<double> integrand(double q) const {
    if (q <= 0) return 0.0;
    const double w = omega(q);
    const double kq = k * q;
    const double uf = (kf * kf - k * k - q * q) / (2.0 * kq);
    std::complex<double> t = 0.0;
    const double ulo = std::max(-1.0, uf);
    if (ulo < 1.0) {
      const double a = e - 0.5 * (k * k + q * q) - w;
      const double n1 = a - kq * ulo, d1 = a - kq;  // d1 < 0
      double re = std::log(std::abs(n1 / d1)) / kq;
      double im = n1 > 0 ? -kPi / kq : 0.0;
      t += std::complex<double>(re, im);
    }
    if (uf > -1.0) {
      const double uhi = std::min(1.0, uf);
      const double b = e - 0.5 * (k * k + q * q) + w;
      t += std::log((b + kq) / (b - kq * uhi)) / kq;
    }
    return (wp2 / (2.0 * w)) * t;
  }
};

double bisect_root(const auto& f, double a, double b) {
  double fa = f(a);
  for (int i = 0; i < 60; ++i) {
    const double m = 0.5 * (a + b);
    const double fm = f(m);
    if ((fm < 0) == (fa < 0)) {
      a = m;
      fa = fm;
    } else {
      b = m;
    }
  }
  return 0.5 * (a + b);
}

}  // namespace

double sigma_dirac_hara(double rs, double k) {
  const double kf = kKfRs / rs;
  const double x = k / kf;
  if (std::abs(x - 1.0) <= 1e-12) return -kf / kPi;
  return -(kf / kPi) * (1.0 + (1.0 - x * x) / (2.0 * x) * std::log(std::abs((1.0 + x) / (1.0 - x))));
}

std::complex<double> self_energy_shift(HedinLundqvistTable& table, double rho, double e_above_fermi, int exchange) {
  if (e_above_fermi <= 0 || exchange == 2 || rho <= 1e-12) return 0.0;
  const double rs = std::cbrt(3.0 / (4.0 * kPi * rho));
  const double kf = kKfRs / rs;
  std::complex<double> d = 0.0;
  for (int it = 0; it < 2; ++it) {
    const double p = std::sqrt(std::max(kf * kf + 2.0 * e_above_fermi - 2.0 * d.real(), kf * kf));
    const std::complex<double> hl = exchange == 1 ? std::complex<double>(0.0) : table.delta(rs, p / kf);
    if (exchange == 0) {
      d = hl;
    } else {
      d = {sigma_dirac_hara(rs, p) - sigma_dirac_hara(rs, kf), exchange == 3 ? hl.imag() : 0.0};
    }
  }
  return d;
}

std::complex<double> sigma_hl(double rs, double k) {
  const double kf = kKfRs / rs;
  Gas g{kf, 3.0 / (rs * rs * rs), k, 0.5 * k * k};
  // exchange with the Fermi sea (Hartree–Fock of the electron gas)
  const double sx = sigma_dirac_hara(rs, k);
  // q integral: panels with breakpoints at |k − k_F|, k + k_F and the edges of the plasmon window
  std::vector<double> bp{0.0, std::abs(k - kf), k + kf};
  const double qa = 4.0 * (k + kf) + 4.0 * std::sqrt(std::sqrt(g.wp2));
  auto f1 = [&](double q) { return k * q - 0.5 * q * q - g.omega(q); };
  auto f2 = [&](double q) { return 0.5 * (k * k - kf * kf) - g.omega(q); };
  const int nscan = 400;
  for (int i = 0; i < nscan; ++i) {
    const double a = qa * i / nscan, b = qa * (i + 1) / nscan;
    if ((f1(a) < 0) != (f1(b) < 0)) bp.push_back(bisect_root(f1, a, b));
    if ((f2(a) < 0) != (f2(b) < 0)) bp.push_back(bisect_root(f2, a, b));
  }
  bp.push_back(qa);
  std::sort(bp.begin(), bp.end());
  std::complex<double> sum = 0.0;
  const double hmax = (k + kf) / 24.0;
  for (std::size_t s = 0; s + 1 < bp.size(); ++s) {
    const double a = bp[s], b = bp[s + 1];
    if (b - a <= 0) continue;
    const int m = std::max(1, static_cast<int>(std::ceil((b - a) / hmax)));
    const double w = (b - a) / m;
    for (int j = 0; j < m; ++j) {
      const double c = a + (j + 0.5) * w;
      for (int gq = 0; gq < 8; ++gq) sum += 0.5 * w * kGw[gq] * g.integrand(c + 0.5 * w * kGx[gq]);
    }
  }
  // tail: geometric panels from qa to 200 qa (the integrand falls as q⁻⁴)
  for (double a = qa; a < 200.0 * qa; a *= 1.5) {
    const double b = 1.5 * a;
    for (int gq = 0; gq < 8; ++gq) sum += 0.5 * (b - a) * kGw[gq] * g.integrand(0.5 * (a + b) + 0.5 * (b - a) * kGx[gq]);
  }
  return sx + sum / kPi;
}

HedinLundqvistTable::HedinLundqvistTable()
    : lrs0_(std::log(0.01)), dlrs_((std::log(30.0) - std::log(0.01)) / (kNrs - 1)), dlx_(std::log(300.0) / (kNx - 1)),
      values_(kNrs * kNx), done_(new std::atomic<unsigned char>[kNrs * kNx]) {
  for (std::size_t i = 0; i < kNrs * kNx; ++i) done_[i].store(0);
}

std::size_t HedinLundqvistTable::nodes_computed() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < kNrs * kNx; ++i) n += done_[i].load(std::memory_order_acquire);
  return n;
}

std::complex<double> HedinLundqvistTable::node(std::size_t irs, std::size_t ix) {
  const std::size_t id = irs * kNx + ix;
  if (done_[id].load(std::memory_order_acquire)) return values_[id];
  const double rs = std::exp(lrs0_ + dlrs_ * irs);
  const double kf = kKfRs / rs;
  const double x = std::exp(dlx_ * ix);
  const std::complex<double> v = ix == 0 ? 0.0 : sigma_hl(rs, x * kf) - sigma_hl(rs, kf);
  // two threads may compute the same node; both get the same deterministic value
  std::lock_guard<std::mutex> lock(mutex_);
  if (!done_[id].load(std::memory_order_relaxed)) {
    values_[id] = v;
    done_[id].store(1, std::memory_order_release);
  }
  return v;
}

std::complex<double> HedinLundqvistTable::delta(double rs, double x) {
  if (x <= 1.0) return 0.0;
  const double lrs = std::clamp(std::log(rs), lrs0_, lrs0_ + dlrs_ * (kNrs - 1) - 1e-12);
  if (x >= 300.0) {
    const double r = std::exp(lrs);
    return sigma_hl(r, x * kKfRs / r) - sigma_hl(r, kKfRs / r);
  }
  const double tr = (lrs - lrs0_) / dlrs_, tx = std::log(x) / dlx_;
  const auto i = std::min(static_cast<std::size_t>(tr), kNrs - 2), j = std::min(static_cast<std::size_t>(tx), kNx - 2);
  const double u = tr - i, w = tx - j;
  return (1 - u) * ((1 - w) * node(i, j) + w * node(i, j + 1)) + u * ((1 - w) * node(i + 1, j) + w * node(i + 1, j + 1));
}

}  // namespace xasforge::scattering::native
