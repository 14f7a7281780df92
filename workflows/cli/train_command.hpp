#pragma once
/// The training run behind `xasforge train`, also called by `xasforge run` when a campaign file
/// has a `train` section.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/ml/gradient_boosting.hpp"
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
  // Study additions (issue 16): named feature sets from chi(k), grouped CV, gradient boosting.
  std::string feature_set;              // e.g. "chir_mag:2,chir_re,peaks" ("" = --features)
  std::vector<double> feature_k{3.0, 12.0}, feature_r{0.0, 6.0};
  double feature_dk = 1.0, feature_r_step = 0.03, feature_k_step = 0.1;
  int feature_kweight = 2, feature_peaks = 4;
  std::string feature_window = "hanning";
  std::string cv_groups;                // "" or "structure"
  std::size_t group_cv = 0;             // deprecated alias: --group-cv K means --cv K --cv-groups structure
  std::string cv_predictions;           // out-of-fold predictions CSV of the chosen grid point
  double group_fraction = 1.0;          // keep this seeded fraction of the groups (learning curves)
  std::string export_features;          // the training rows' features (and CV fold) as CSV
  ml::BoostingOptions boosting;
  std::string search, search_history;   // TPE search space (with --cv) and its history file
  std::size_t trials = 30, search_batch = 4, search_startup = 8;
};

/// Loads the data set from o.results, cross-validates (o.cv > 0), fits on the training rows,
/// scores the held-out rows and writes the model, metrics JSON and predictions that o names.
/// Collective over MPI_COMM_WORLD (the MPI environment must exist); rank 0 prints.
void run_train(const TrainOptions& o);

}  // namespace xasforge::cli
