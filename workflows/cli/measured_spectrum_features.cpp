#include "workflows/cli/measured_spectrum_features.hpp"

#include "core/error.hpp"

namespace xasforge::cli {

bool is_measured_spectrum(const std::string& path) {
  for (const char* ext : {".xdi", ".dat", ".xmu", ".nor"}) {
    const std::string e(ext);
    if (path.size() > e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0) return true;
  }
  return false;
}

ml::FeatureMatrix measured_spectrum_features(const std::string& path, const ml::Model& model) {
  // The reduction chain (read mu(E) -> E0, pre/post-edge normalization -> AUTOBK chi(k) ->
  // windowed FT |chi(R)| sampled on model.feature_grid) belongs to core/xafs; wire it here when
  // that area is merged.
  throw InputError(path + ": measured spectra need the data-reduction stage (core/xafs), which is not part of this "
                   "build; give a results file or a CSV of " + std::to_string(model.n_features()) + " |chi(R)| values instead");
}

}  // namespace xasforge::cli
