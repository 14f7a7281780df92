#include "core/ml/augmentation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "core/error.hpp"
#include "core/ml/random_stream.hpp"

namespace xasforge::ml {

namespace {
/// 2m_e/ħ² in eV⁻¹ Å⁻²: k² = 0.2625 (E − E0) (Larch's and FEFF's ETOK constant, CODATA).
constexpr double kEtok = 0.2624682843;

std::uint64_t stream_of(std::uint64_t item_key, std::size_t copy) {
  return item_key * 1024ULL + static_cast<std::uint64_t>(copy) + 0xa5a5ULL;
}

void check_range(const char* name, double lo, double hi, double min_allowed, double max_allowed) {
  if (!(lo <= hi) || lo < min_allowed || hi > max_allowed) {
    std::ostringstream os;
    os << "augmentation " << name << ": range [" << lo << ", " << hi << "] must be ordered and within [" << min_allowed
       << ", " << max_allowed << "]";
    throw InputError(os.str());
  }
}
}  // namespace

void AugmentationOptions::validate() const {
  if (copies > 1000) throw InputError("augmentation copies: " + std::to_string(copies) + " is more than 1000");
  check_range("s02", s02_min, s02_max, 0.05, 2.0);
  check_range("e0_shift", 0.0, e0_shift_eV, 0.0, 50.0);
  check_range("sigma2", sigma2_min_A2, sigma2_max_A2, -0.02, 0.05);
  check_range("noise", noise_min, noise_max, 0.0, 1.0);
  check_range("noise_k_power", 0.0, noise_k_power, 0.0, 4.0);
  check_range("kmax", kmax_min_invA, kmax_max_invA, 2.0, 40.0);
}

std::string AugmentationOptions::describe() const {
  std::ostringstream os;
  os << "copies=" << copies << " s02=[" << s02_min << "," << s02_max << "] e0_shift=±" << e0_shift_eV << "eV sigma2=["
     << sigma2_min_A2 << "," << sigma2_max_A2 << "]A2 noise=[" << noise_min << "," << noise_max << "]@k10 k^"
     << noise_k_power << " kmax=[" << kmax_min_invA << "," << kmax_max_invA << "] seed=" << seed;
  return os.str();
}

AugmentationDraw draw_augmentation(const AugmentationOptions& o, std::uint64_t item_key, std::size_t copy) {
  RandomStream rng(o.seed, stream_of(item_key, copy));
  AugmentationDraw d;
  d.s02 = o.s02_min + (o.s02_max - o.s02_min) * rng.uniform01();
  d.e0_shift_eV = o.e0_shift_eV * (2.0 * rng.uniform01() - 1.0);
  d.sigma2_A2 = o.sigma2_min_A2 + (o.sigma2_max_A2 - o.sigma2_min_A2) * rng.uniform01();
  const double u = rng.uniform01();
  d.noise = o.noise_min > 0.0 ? o.noise_min * std::pow(o.noise_max / o.noise_min, u)
                              : o.noise_min + (o.noise_max - o.noise_min) * u;
  d.kmax_invA = o.kmax_min_invA + (o.kmax_max_invA - o.kmax_min_invA) * rng.uniform01();
  return d;
}

std::vector<double> augment_chi(const std::vector<double>& k, const std::vector<double>& chi, const AugmentationDraw& d,
                                const AugmentationOptions& o, std::uint64_t item_key, std::size_t copy) {
  if (k.size() != chi.size() || k.size() < 2) throw InputError("augment_chi: k and chi differ in length or are too short");
  std::size_t n = 0;  // finite prefix (the simulated range)
  while (n < chi.size() && std::isfinite(chi[n])) ++n;
  std::vector<double> out(chi.size(), std::numeric_limits<double>::quiet_NaN());
  // Noise continues the copy's stream after the five parameter draws.
  RandomStream rng(o.seed, stream_of(item_key, copy));
  for (int i = 0; i < 5; ++i) (void)rng.uniform01();
  for (std::size_t i = 0; i < n; ++i) {
    const double k2 = k[i] * k[i] + kEtok * d.e0_shift_eV;
    double v = 0.0;
    if (k2 >= 0.0) {
      const double kp = std::sqrt(k2);
      if (kp <= k[n - 1]) {
        const auto hi = static_cast<std::size_t>(std::lower_bound(k.begin(), k.begin() + static_cast<std::ptrdiff_t>(n), kp) - k.begin());
        if (hi == 0 || k[hi] == kp) v = chi[hi];  // on a grid point (no shift): the value itself
        else {
          const double t = (kp - k[hi - 1]) / (k[hi] - k[hi - 1]);
          v = chi[hi - 1] + t * (chi[hi] - chi[hi - 1]);
        }
      } else {
        v = 0.0;  // beyond the simulated range: no signal
      }
    }
    v *= d.s02 * std::exp(-2.0 * d.sigma2_A2 * k[i] * k[i]);
    const double sd = d.noise * std::pow(std::max(k[i], 0.0) / 10.0, o.noise_k_power);
    v += sd * rng.normal();
    if (k[i] > d.kmax_invA) v = 0.0;
    out[i] = v;
  }
  return out;
}

}  // namespace xasforge::ml
