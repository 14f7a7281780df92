#pragma once
/// A trained model with its preprocessing: what `xasforge train` writes and `predict` reads.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <optional>

#include "core/ml/calibration.hpp"
#include "core/ml/dataset.hpp"
#include "core/ml/gradient_boosting.hpp"
#include "core/ml/neural_network.hpp"
#include "core/ml/normalization.hpp"
#include "core/ml/random_forest.hpp"
#include "core/xafs/feature_sets.hpp"

namespace xasforge::ml {

enum class ModelKind { kRandomForest, kNeuralNetwork, kGradientBoosting };
ModelKind parse_model_kind(std::string_view name);  // "random_forest", "neural_network", "gradient_boosting"
std::string to_string(ModelKind kind);

struct TrainingOptions {
  ModelKind kind = ModelKind::kRandomForest;
  ForestOptions forest;
  NetworkOptions network;
  BoostingOptions boosting;
  NormalizationKind normalization = NormalizationKind::kNone;
};

/// The Fourier-transform settings that made the training features (the campaign's `features`
/// section), so that `predict` reduces a measured spectrum the same way (model file v2).
struct SpectrumReduction {
  bool known = false;
  double kmin_invA = 3.0, kmax_invA = 12.0, dk_invA = 1.0, kweight = 2.0;
  std::string window = "hanning";
};

struct Model {
  ModelKind kind = ModelKind::kRandomForest;
  Task task = Task::kClassification;
  std::vector<int> classes;           // classification
  std::string feature_name;           // dataset path of the features, e.g. /features/chir_mag
  std::vector<double> feature_grid;   // the grid the features were sampled on (e.g. R in Å)
  std::string target_name;
  std::vector<double> target_grid;    // regression on a grid: the grid of the outputs (e.g. k in Å⁻¹)
  int target_grid_weight = 0;         // outputs are target·grid^weight (e.g. k²·chi)
  Normalization normalization;
  RandomForest forest;                // kind == random_forest
  NeuralNetwork network;              // kind == neural_network
  // Measured-spectra additions (model file v2; absent in v1 files): probability calibration,
  // the reduction of measured spectra, and the augmentation the training rows had (a record).
  Calibration calibration;
  SpectrumReduction reduction;
  std::string augmentation;
  GradientBoosting boosting;          // kind == gradient_boosting
  /// Features computed from chi(k) by a named feature set (core/xafs/feature_sets): then
  /// feature_name is "/spectra/chi" and predict recomputes the set from any chi(k) input.
  std::optional<xafs::FeatureSetSpec> feature_set;

  std::size_t n_features() const;
  std::size_t n_outputs() const;
  /// Probabilities or regression values for raw (unnormalised) feature rows.
  TargetMatrix predict_values(FeatureMatrix x) const;
  std::vector<int> predict_class(const FeatureMatrix& x) const;
  /// Class values from probabilities (argmax, first on ties).
  std::vector<int> classes_from(const TargetMatrix& probabilities) const;
};

/// Fits normalization on the rows, then the model; serial (the MPI driver swaps in its trainer).
Model train_model(const Dataset& data, const std::vector<std::size_t>& rows, const TrainingOptions& options);
/// A model of the given kind with the data set's metadata (task, feature and target names and
/// grids) and nothing trained yet.
Model model_skeleton(const Dataset& data, ModelKind kind);
/// Wraps an already trained boosting model with its metadata.
Model wrap_boosting(const Dataset& data, GradientBoosting boosting, Normalization normalization);
/// Wraps an already trained forest (grown anywhere) with its metadata; normalization "none".
Model wrap_forest(const Dataset& data, RandomForest forest, Normalization normalization);

struct Scores {
  std::size_t rows = 0;
  double accuracy = 0.0, macro_f1 = 0.0, within_one = 0.0;  // classification
  double r2 = 0.0;                                          // regression
  std::vector<int> predicted;  // cross-validation folds (classification): class per scored row
  /// The one figure used to rank models: accuracy or R².
  double primary(Task task) const { return task == Task::kClassification ? accuracy : r2; }
};
Scores score_predictions(const Dataset& data, const std::vector<std::size_t>& rows, const TargetMatrix& predicted_values,
                         const Model& model);
Scores evaluate(const Model& model, const Dataset& data, const std::vector<std::size_t>& rows);

}  // namespace xasforge::ml
