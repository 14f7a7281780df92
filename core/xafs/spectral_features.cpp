#include "core/xafs/spectral_features.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "core/error.hpp"

namespace xasforge::xafs {

namespace {
constexpr std::size_t kLarchRPoints = 326;  // int(1.01 + 10/δR), δR = π/(0.05·2048)
}

FeatureNormalization parse_feature_normalization(std::string_view name) {
  std::string key;
  for (char c : name) key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (key == "none") return FeatureNormalization::kNone;
  if (key == "min-max" || key == "minmax" || key == "min_max") return FeatureNormalization::kMinMax;
  if (key == "mean") return FeatureNormalization::kMean;
  throw InputError("unknown feature normalisation '" + std::string(name) + "'; expected one of: none, min-max, mean");
}

std::vector<double> normalize_features(const std::vector<double>& x, FeatureNormalization how) {
  if (how == FeatureNormalization::kNone || x.empty()) return x;
  const auto [lo_it, hi_it] = std::minmax_element(x.begin(), x.end());
  const double lo = *lo_it, hi = *hi_it;
  const double range = hi - lo;
  std::vector<double> out(x.size(), 0.0);
  if (!(range > 0)) return out;
  double centre = lo;
  if (how == FeatureNormalization::kMean) {
    double sum = 0.0;
    for (double v : x) sum += v;
    centre = sum / static_cast<double>(x.size());
  }
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = (x[i] - centre) / range;
  return out;
}

std::vector<double> chir_magnitude_features(const ChiR& chir, FeatureNormalization how) {
  if (chir.chir.size() < kLarchRPoints)
    throw InputError("chir_magnitude_features: chi(R) has " + std::to_string(chir.chir.size()) +
                     " points; 326 (rmax_out = 10 A, nfft 2048, kstep 0.05) are needed");
  std::vector<double> mag = chir.magnitude();
  mag.resize(kLarchRPoints);
  return normalize_features(mag, how);
}

std::vector<double> chir_magnitude_on_grid(const ChiR& chir, const std::vector<double>& r_grid,
                                           FeatureNormalization how) {
  const std::vector<double> mag = chir.magnitude();
  const std::vector<double>& r = chir.r_A;
  if (r.size() < 2) throw InputError("chir_magnitude_on_grid: chi(R) needs at least 2 points");
  std::vector<double> out(r_grid.size());
  for (std::size_t i = 0; i < r_grid.size(); ++i) {
    const double x = r_grid[i];
    const double tol = 1e-9 * (1.0 + r.back());
    if (!(x >= r.front() - tol && x <= r.back() + tol))
      throw InputError("chir_magnitude_on_grid: R = " + std::to_string(x) + " A is outside the chi(R) grid 0.." +
                       std::to_string(r.back()) + " A");
    const double step = r[1] - r[0];
    auto j = static_cast<std::size_t>(std::max(0.0, std::floor((x - r.front()) / step)));
    j = std::min(j, r.size() - 2);
    const double t = (x - r[j]) / (r[j + 1] - r[j]);
    out[i] = std::abs(t) < 1e-12 ? mag[j] : (std::abs(t - 1) < 1e-12 ? mag[j + 1] : mag[j] + t * (mag[j + 1] - mag[j]));
  }
  return normalize_features(out, how);
}

std::vector<double> chi_k_features(const std::vector<double>& k, const std::vector<double>& chi, double kmin,
                                   double kmax, double step, double kweight, FeatureNormalization how) {
  if (k.size() != chi.size() || k.size() < 2)
    throw InputError("chi_k_features: k and chi must have the same length >= 2");
  if (!(step > 0) || !(kmax >= kmin)) throw InputError("chi_k_features: need step > 0 and kmax >= kmin");
  const auto n = static_cast<std::size_t>(std::floor((kmax - kmin) / step + 1e-9)) + 1;
  std::vector<double> out(n, 0.0);
  std::size_t j = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double q = kmin + step * static_cast<double>(i);
    if (q < k.front() || q > k.back()) continue;
    while (j + 2 < k.size() && k[j + 1] < q) ++j;
    const double t = (q - k[j]) / (k[j + 1] - k[j]);
    const double v = chi[j] + t * (chi[j + 1] - chi[j]);
    out[i] = v * (kweight == 0.0 ? 1.0 : std::pow(q, kweight));
  }
  return normalize_features(out, how);
}

std::vector<double> wavelet_features(const CauchyWavelet& wavelet, FeatureNormalization how) {
  const std::size_t nr = wavelet.r_A.size(), nk = wavelet.k_invA.size();
  std::vector<double> out(nr + nk, 0.0);
  for (std::size_t i = 0; i < nr; ++i)
    for (std::size_t m = 0; m < nk; ++m) {
      const double mag = std::abs(wavelet.at(i, m));
      out[i] = std::max(out[i], mag);
      out[nr + m] = std::max(out[nr + m], mag);
    }
  return normalize_features(out, how);
}

}  // namespace xasforge::xafs
