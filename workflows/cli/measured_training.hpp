#pragma once
/// Training for measured spectra (issue: predictions that hold on measured spectra), kept apart
/// from the generic `xasforge train` driver: augmented copies of the simulated chi(k) turned into
/// |chi(R)| by the campaign's own xftf stage function, structure-grouped k-fold cross-validation,
/// and temperature-scaled probabilities fitted on its out-of-fold predictions (docs/ml.md).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <boost/mpi/communicator.hpp>
#include <nlohmann/json.hpp>

#include "core/ml/augmentation.hpp"
#include "core/ml/model.hpp"
#include "core/xafs/feature_sets.hpp"
#include "workflows/campaign_config.hpp"

namespace xasforge::cli {

struct MeasuredTrainingOptions {
  ml::AugmentationOptions augment;  ///< copies 0: no augmentation
  /// Folds of the structure-grouped CV run here (0: none). run_train sets it from
  /// `--cv K --cv-groups structure` (calibrate without them: 5); the split is
  /// ml::grouped_kfold_splits, the same one `--cv K --cv-groups structure` scores with.
  std::size_t grouped_folds = 0;
  bool calibrate = false;           ///< temperature scaling on the grouped CV's out-of-fold rows
  double unsure_below = 0.5;        ///< calibrated top probability under which predict flags "unsure"
  /// The named feature set (train --feature-set) the data set's rows were computed with: the
  /// augmented copies go through the same xafs::compute_feature_set; none: the campaign's |chi(R)|.
  std::optional<xafs::FeatureSetSpec> feature_set;
  /// Whether training goes through train_for_measured (augmented rows or calibration).
  bool any() const { return augment.enabled() || calibrate; }
};

/// The simulated spectra behind a data set's rows, read from the results file.
struct SimulatedSpectra {
  std::vector<double> k_invA;                ///< /spectra/k
  std::vector<std::vector<double>> chi;      ///< per data-set row: /spectra/chi of its item
  std::vector<int> group;                    ///< per row: /items/structure (its structure)
  workflows::FeatureSettings features;       ///< the campaign's features section
  double k_step_invA = 0.05;
  std::vector<double> r_A;                   ///< the data set's feature grid
  std::optional<xafs::FeatureSetSpec> feature_set;  ///< set: features are this named set of chi(k)
};

/// Reads /spectra/k, /spectra/chi, /items/structure and the campaign YAML (/campaign config)
/// for the rows of data (data.item_index). Throws InputError naming the file and what is missing.
SimulatedSpectra load_simulated_spectra(const std::string& results, const ml::Dataset& data);

/// The listed rows followed by `copies` augmented copies of each (copy c of row r keyed by the
/// row's item index), features recomputed from the augmented chi(k): the named feature set when
/// sim.feature_set is set, otherwise |chi(R)| by the campaign's xftf.
/// keep_original false: the copies only.
ml::Dataset augmented_rows(const ml::Dataset& data, const std::vector<std::size_t>& rows, const SimulatedSpectra& sim,
                           const ml::AugmentationOptions& options, std::size_t copies, bool keep_original);

/// Runs the grouped CV (if asked), fits the calibration (if asked) and the final model on the
/// training rows (augmented if asked). Fills `report` (JSON) and prints on rank 0. Collective.
ml::Model train_for_measured(const boost::mpi::communicator& world, const std::string& results, const ml::Dataset& data,
                             const std::vector<std::size_t>& train, const std::vector<std::size_t>& test,
                             const ml::TrainingOptions& chosen, const MeasuredTrainingOptions& options,
                             std::uint64_t seed, nlohmann::json& report);

}  // namespace xasforge::cli
