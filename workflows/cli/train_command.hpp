#pragma once
/// The training run behind `xasforge train`, also called by `xasforge run` when a campaign file
/// has a `train` section.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/ml/neural_network.hpp"
#include "core/ml/random_forest.hpp"
#include "workflows/cli/measured_training.hpp"

namespace xasforge::cli {

/// Options of `xasforge train` (docs/ml.md).
struct TrainOptions {
  std::string results, output, metrics_json, predictions, features = "chir_mag", target = "cn", model = "random_forest";
  std::vector<double> target_range;
  int target_kweight = 0;
  std::string normalization = "none", grid, hidden = "512,512";
  std::optional<int> element;
  std::size_t cv = 0, permutation_repeats = 0;
  double test_fraction = 0.0;
  bool no_bootstrap = false, bagging = false;
  ml::ForestOptions forest;
  ml::NetworkOptions network;
  MeasuredTrainingOptions measured;  ///< augmentation, grouped CV, calibration (measured_training.hpp)
};

/// Loads the data set from o.results, cross-validates (o.cv > 0), fits on the training rows,
/// scores the held-out rows and writes the model, metrics JSON and predictions that o names.
/// Collective over MPI_COMM_WORLD (the MPI environment must exist); rank 0 prints.
void run_train(const TrainOptions& o);

}  // namespace xasforge::cli
