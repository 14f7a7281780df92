#pragma once
/// Feature rows for a model from a measured spectrum file (XDI, XDAC, Athena exports, plain
/// columns), through the data-reduction stage (core/xafs): mu(E) -> pre-edge normalization ->
/// AUTOBK chi(k) -> xftf |chi(R)| with the model's own Fourier-transform settings (model file v2
/// `reduction`, else the defaults of `xasforge reduce`), sampled on the model's feature grid.
#include <optional>
#include <string>

#include "core/ml/dataset.hpp"
#include "core/ml/model.hpp"

namespace xasforge::cli {

/// How to read and reduce measured inputs (the `predict` options, as `reduce` has them).
struct MeasuredReadOptions {
  std::string energy_column;   ///< label or colN; empty: from the labels (load_measured_spectrum)
  std::string mu_expression;   ///< e.g. ln(col2/col3); empty: from the labels
  std::optional<double> e0_eV;
  std::optional<double> kmin_invA, kmax_invA;
};

/// What the reduction found (printed by predict).
struct MeasuredReduction {
  double e0_eV = 0.0, edge_step = 0.0, kmin_invA = 0.0, kmax_invA = 0.0, k_last_invA = 0.0;
  std::string energy_column, mu_expression;
  std::vector<std::string> warnings;
};

/// True for names `predict` treats as measured spectra: anything but .h5/.hdf5 and .csv (a .csv
/// is a measured spectrum when its rows do not hold the model's number of features).
bool is_measured_spectrum(const std::string& path);
/// One feature row on model.feature_grid. Throws InputError if the model was not trained on
/// |chi(R)| (/features/chir_mag), if its grid leaves the reduced R range, or if reading or
/// reduction fails (the message names the file and lines).
ml::FeatureMatrix measured_spectrum_features(const std::string& path, const ml::Model& model,
                                             const MeasuredReadOptions& options = {}, MeasuredReduction* info = nullptr);

}  // namespace xasforge::cli
