#pragma once
/// k-fold (stratified for classification) cross-validation and hyperparameter grid search.
/// The work is a list of independent (grid point, fold) tasks so a driver can spread them over
/// ranks (mpi/distributed_search) and still get the same scores as run_all_tasks() here.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ml/dataset.hpp"
#include "core/ml/model.hpp"

namespace xasforge::ml {

/// Test rows of each fold (the training rows are the rest). Classification folds are stratified:
/// each class's rows are shuffled (seeded) and dealt round-robin, continuing across classes.
/// When data.group is set the folds are grouped and stratified (grouped_kfold_splits).
std::vector<std::vector<std::size_t>> kfold_splits(const Dataset& data, const std::vector<std::size_t>& rows, std::size_t k,
                                                   std::uint64_t seed);

/// Folds that keep every group (e.g. all sites of one structure) in one fold, stratified as far
/// as groups allow: groups are shuffled (seeded), taken largest first, and each goes to the fold
/// where it leaves the per-class fold counts closest (least squares) to an even share, ties to the
/// smaller fold, then the lower fold index. Throws InputError if there are fewer groups than folds.
/// This is the project's one grouped split: `train --cv K --cv-groups structure` (and its alias
/// `--group-cv K`) scores with it, and the calibration's out-of-fold rows come from it.
std::vector<std::vector<std::size_t>> grouped_kfold_splits(const Dataset& data, const std::vector<std::size_t>& rows,
                                                           std::size_t k, std::uint64_t seed);
/// The same split from plain vectors: group[r] and labels[r] of row r (labels empty: not
/// stratified, only the fold sizes are balanced). Rows beyond either vector are a programming
/// error (std::out_of_range).
std::vector<std::vector<std::size_t>> grouped_kfold_splits(const std::vector<int>& group, const std::vector<int>& labels,
                                                           const std::vector<std::size_t>& rows, std::size_t k,
                                                           std::uint64_t seed);

/// Grid spec "key=v1,v2;key=v1,..." over ForestOptions / NetworkOptions keys: max_features,
/// max_depth, min_samples_leaf, criterion, class_weight, trees, bootstrap, dropout,
/// learning_rate, hidden (e.g. 256x256), normalization; and for gradient boosting rounds,
/// max_leaves, l2, feature_fraction (learning_rate, max_depth, min_samples_leaf, class_weight
/// also set the boosting options). Returns the cartesian product, first key
/// slowest. An empty spec gives the base alone. Unknown keys or values throw InputError.
std::vector<TrainingOptions> expand_grid(const TrainingOptions& base, std::string_view spec);
/// Human-readable "key=value;..." for grid point i of the same spec.
std::vector<std::string> describe_grid(std::string_view spec);

struct CvTask {
  std::size_t grid_point = 0;
  std::size_t fold = 0;
};
std::vector<CvTask> cv_tasks(std::size_t n_grid_points, std::size_t n_folds);
/// Trains on all rows outside the fold (normalization fitted there only) and scores the fold.
Scores run_cv_task(const Dataset& data, const std::vector<std::size_t>& rows,
                   const std::vector<std::vector<std::size_t>>& folds, const std::vector<TrainingOptions>& grid,
                   const CvTask& task);

struct GridResult {
  std::vector<std::vector<Scores>> scores;  // [grid point][fold]
  std::vector<double> mean_score;           // primary score averaged over folds
  std::size_t best = 0;                     // first grid point with the highest mean
};
/// Collects task scores (given in cv_tasks() order) into per-grid-point means.
GridResult summarise(Task task, std::size_t n_grid_points, std::size_t n_folds, const std::vector<Scores>& task_scores);
/// Serial cross-validation of every grid point.
GridResult grid_search(const Dataset& data, const std::vector<std::size_t>& rows, const std::vector<TrainingOptions>& grid,
                       std::size_t k, std::uint64_t seed);

}  // namespace xasforge::ml
