#pragma once
/// Extension point: feature rows for a model from a measured spectrum file (XDI, Athena-style
/// columns), through the data-reduction stage (core/xafs: normalization, AUTOBK, Fourier
/// transform onto the model's feature grid).
#include <string>

#include "core/ml/dataset.hpp"
#include "core/ml/model.hpp"

namespace xasforge::cli {

/// True for names `predict` treats as measured spectra (.xdi, .dat, .xmu, .nor).
bool is_measured_spectrum(const std::string& path);
/// One feature row on model.feature_grid. Throws InputError while the data-reduction stage is not
/// part of this build, naming the file and what to use instead.
ml::FeatureMatrix measured_spectrum_features(const std::string& path, const ml::Model& model);

}  // namespace xasforge::cli
