#include "workflows/cli/measured_spectrum_features.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/xafs/measured_spectrum.hpp"
#include "core/xafs/reduction.hpp"
#include "core/xafs/spectral_features.hpp"

namespace xasforge::cli {

bool is_measured_spectrum(const std::string& path) {
  for (const char* ext : {".xdi", ".dat", ".xmu", ".nor", ".txt", ".prj"}) {
    const std::string e(ext);
    if (path.size() > e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0) return true;
  }
  return false;
}

ml::FeatureMatrix measured_spectrum_features(const std::string& path, const ml::Model& model) {
  if (model.feature_name != "/features/chir_mag")
    throw InputError(path + ": the model was trained on " + model.feature_name +
                     "; measured spectra give |chi(R)| features (/features/chir_mag) only");
  const auto spectrum = xafs::load_measured_spectrum(path);
  const auto reduced = xafs::reduce_spectrum(spectrum);  // Larch defaults, as `xasforge reduce`
  const std::vector<double> mag = xafs::chir_magnitude_features(reduced.chir);
  const std::vector<double>& r = reduced.chir.r_A;
  const std::size_t p = model.n_features();
  ml::FeatureMatrix x(1, static_cast<Eigen::Index>(p));
  if (model.feature_grid.empty()) {
    if (p != mag.size())
      throw InputError(path + ": the model has " + std::to_string(p) + " features and no R grid; the reduction gives " +
                       std::to_string(mag.size()) + " |chi(R)| values");
    for (std::size_t j = 0; j < p; ++j) x(0, static_cast<Eigen::Index>(j)) = mag[j];
    return x;
  }
  // Linear interpolation of |chi(R)| onto the model's R grid (exact when the grids coincide).
  const double r_last = r[mag.size() - 1];
  for (std::size_t j = 0; j < p; ++j) {
    const double rj = model.feature_grid[j];
    if (rj < r.front() - 1e-9 || rj > r_last + 1e-9)
      throw InputError(path + ": the model's R grid point " + std::to_string(rj) + " Å lies outside the reduced range 0–" +
                       std::to_string(r_last) + " Å");
    const auto hi = static_cast<std::size_t>(std::lower_bound(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(mag.size()), rj) - r.begin());
    double v;
    if (hi == 0) v = mag[0];
    else if (hi >= mag.size()) v = mag.back();
    else {
      const double t = (rj - r[hi - 1]) / (r[hi] - r[hi - 1]);
      v = mag[hi - 1] + t * (mag[hi] - mag[hi - 1]);
    }
    x(0, static_cast<Eigen::Index>(j)) = v;
  }
  return x;
}

}  // namespace xasforge::cli
