#include "core/xafs/larch_conventions.hpp"

#include <algorithm>
#include <cmath>

namespace xasforge::xafs {

std::size_t index_of(const std::vector<double>& a, double value) {
  if (a.empty() || value < *std::min_element(a.begin(), a.end())) return 0;
  std::size_t found = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] <= value) found = i;
  return found;
}

std::size_t index_nearest(const std::vector<double>& a, double value) {
  std::size_t best = 0;
  double best_distance = INFINITY;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double distance = std::abs(a[i] - value);
    if (distance < best_distance) {
      best_distance = distance;
      best = i;
    }
  }
  return best;
}

std::vector<double> gradient(const std::vector<double>& y) {
  const std::size_t n = y.size();
  std::vector<double> g(n, 0.0);
  if (n < 2) return g;
  g[0] = y[1] - y[0];
  g[n - 1] = y[n - 1] - y[n - 2];
  for (std::size_t i = 1; i + 1 < n; ++i) g[i] = (y[i + 1] - y[i - 1]) / 2.0;
  return g;
}

std::vector<double> remove_duplicates(const std::vector<double>& a, std::size_t* n_changed) {
  constexpr double kTiny = 1.0e-7;
  constexpr double kFrac = 1.0e-6;
  std::vector<double> out = a;
  std::size_t changed = 0;
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i] - out[i - 1] < kTiny) {
      out[i] = out[i - 1] + std::max(kTiny, kFrac * std::abs(out[i] - out[i - 1]));
      ++changed;
    }
  }
  if (n_changed != nullptr) *n_changed = changed;
  return out;
}

}  // namespace xasforge::xafs
