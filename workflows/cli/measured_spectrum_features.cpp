#include "workflows/cli/measured_spectrum_features.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/xafs/measured_spectrum.hpp"
#include "core/xafs/ft_window.hpp"
#include "core/xafs/reduction.hpp"
#include "core/xafs/spectral_features.hpp"
#include "mpi/results_layout.hpp"

namespace xasforge::cli {

bool is_measured_spectrum(const std::string& path) {
  for (const char* ext : {".h5", ".hdf5", ".csv"}) {
    const std::string e(ext);
    if (path.size() > e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0) return false;
  }
  return true;
}

ml::FeatureMatrix measured_spectrum_features(const std::string& path, const ml::Model& model,
                                             const MeasuredReadOptions& options, MeasuredReduction* info) {
  if (model.feature_name != mpi::block_paths::kChirMag)
    throw InputError(path + ": the model was trained on " + model.feature_name +
                     "; measured spectra give |chi(R)| features (/features/chir_mag) only");
  const auto spectrum = xafs::load_measured_spectrum(path, options.energy_column, options.mu_expression);
  // The defaults of `xasforge reduce`, then the model's own transform settings (those its
  // simulated training spectra had), then the user's --e0/--kmin/--kmax.
  xafs::ReductionOptions ro;
  if (model.reduction.known) {
    ro.xftf.kmin_invA = model.reduction.kmin_invA;
    ro.xftf.kmax_invA = model.reduction.kmax_invA;
    ro.xftf.dk_invA = model.reduction.dk_invA;
    ro.xftf.kweight = model.reduction.kweight;
    ro.xftf.window = xafs::parse_window(model.reduction.window);
  }
  if (options.e0_eV) ro.pre_edge.e0_eV = *options.e0_eV;
  if (options.kmin_invA) ro.xftf.kmin_invA = *options.kmin_invA;
  if (options.kmax_invA) ro.xftf.kmax_invA = *options.kmax_invA;
  if (!(ro.xftf.kmin_invA >= 0.0 && ro.xftf.kmax_invA > ro.xftf.kmin_invA))
    throw InputError(path + ": k range " + std::to_string(ro.xftf.kmin_invA) + "-" + std::to_string(ro.xftf.kmax_invA) +
                     " Å⁻¹ is empty (--kmin must be below --kmax)");
  const auto reduced = xafs::reduce_spectrum(spectrum, ro);
  if (info) {
    info->e0_eV = reduced.pre_edge.e0_eV;
    info->edge_step = reduced.pre_edge.edge_step;
    info->kmin_invA = ro.xftf.kmin_invA;
    info->kmax_invA = ro.xftf.kmax_invA;
    info->k_last_invA = reduced.autobk.k_invA.empty() ? 0.0 : reduced.autobk.k_invA.back();
    info->energy_column = spectrum.energy_column;
    info->mu_expression = spectrum.mu_expression;
    info->warnings = spectrum.warnings;
  }
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
