#pragma once
/// Feature rows for a model from a measured spectrum file (XDI or plain columns), through the
/// data-reduction stage (core/xafs): mu(E) -> pre-edge normalization -> AUTOBK chi(k) -> xftf
/// |chi(R)| (Larch defaults, as `xasforge reduce`), sampled on the model's feature grid.
#include <string>

#include "core/ml/dataset.hpp"
#include "core/ml/model.hpp"

namespace xasforge::cli {

/// True for names `predict` treats as measured spectra (.xdi, .dat, .xmu, .nor, .txt; .prj: an Athena project).
bool is_measured_spectrum(const std::string& path);
/// One feature row on model.feature_grid. Throws InputError if the model was not trained on
/// |chi(R)| (/features/chir_mag), if its grid leaves the reduced R range, or if reduction fails.
ml::FeatureMatrix measured_spectrum_features(const std::string& path, const ml::Model& model);

}  // namespace xasforge::cli
