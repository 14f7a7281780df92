#pragma once
/// A learning data set: one feature row per item, a target (class label or real vector), and
/// optional per-row element and split tags used for filtering and per-element metrics.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

namespace xasforge::ml {

/// Row-major so that one item's features are contiguous (as in the HDF5 results file).
using FeatureMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// Regression targets, one row per item.
using TargetMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

enum class Task { kClassification, kRegression };

/// Split tags as stored in /items/split.
inline constexpr int kSplitTrain = 0;
inline constexpr int kSplitTest = 1;

struct Dataset {
  Task task = Task::kClassification;
  FeatureMatrix features;            // n_rows × n_features
  std::vector<int> labels;           // classification: class value per row (e.g. CN 4, 6, 8)
  TargetMatrix targets;              // regression: n_rows × n_outputs
  std::vector<int> element_z;        // optional: absorber Z per row (empty = unknown)
  std::vector<int> split;            // optional: kSplitTrain / kSplitTest per row (empty = none)
  std::vector<long> item_index;      // optional: row's index in the source file
  std::vector<int> group;            // optional: group per row (e.g. the structure); non-empty
                                     // makes cross-validation folds keep each group whole
  std::vector<double> feature_grid;  // e.g. the R grid (Å) of |chi(R)|; empty when not a grid
  std::vector<double> target_grid;   // regression outputs on a grid (e.g. k in Å⁻¹ of chi); or empty
  int target_grid_weight = 0;        // outputs were multiplied by grid^weight (restrict_target_grid)
  std::string feature_name;          // e.g. "/features/chir_mag"
  std::string target_name;           // e.g. "cn"
  std::string source;                // file the rows came from (for messages)

  std::size_t rows() const { return static_cast<std::size_t>(features.rows()); }
  std::size_t n_features() const { return static_cast<std::size_t>(features.cols()); }
  std::size_t n_outputs() const {
    return task == Task::kClassification ? 1 : static_cast<std::size_t>(targets.cols());
  }
};

/// Checks shapes agree, no feature or target is NaN/inf, at least one row, and (classification)
/// at least two distinct classes. Throws InputError naming `where`, the row and column.
void validate(const Dataset& data, std::string_view where);

/// The rows listed, in that order (tags and grids carried along).
Dataset select_rows(const Dataset& data, const std::vector<std::size_t>& rows);

/// Keeps the regression outputs whose grid value lies in [lo, hi] and multiplies each by
/// grid^weight: e.g. k²·chi(k) on k 3–12 Å⁻¹, the part of a spectrum EXAFS analysis uses, so that
/// the multi-output split criterion and R² are not dominated by the large low-k and vanishing
/// high-k values of raw chi(k). Throws InputError if the data set has no target grid, no output
/// lies in the range, or weight is outside 0..3.
void restrict_target_grid(Dataset& data, double lo, double hi, int weight);

/// All row indices 0..n-1.
std::vector<std::size_t> all_rows(const Dataset& data);
/// Rows whose absorber Z equals z; throws InputError if the data set has no element tags.
std::vector<std::size_t> rows_with_element(const Dataset& data, int z);
/// Rows tagged with the split; throws InputError if the data set has no split tags.
std::vector<std::size_t> rows_in_split(const Dataset& data, int split);

/// Sorted distinct class values of the listed rows.
std::vector<int> distinct_classes(const std::vector<int>& labels);

}  // namespace xasforge::ml
