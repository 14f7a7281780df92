#pragma once
/// One CART decision tree grown on binned features (histogram split search), for classification
/// (Gini or entropy; leaves hold class probabilities) or multi-output regression (MSE; leaves
/// hold mean target vectors). Trees store real-valued thresholds, so prediction needs no binning.
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "core/ml/dataset.hpp"
#include "core/ml/feature_binning.hpp"
#include "core/ml/random_stream.hpp"

namespace xasforge::ml {

enum class Criterion { kGini, kEntropy, kMse };
Criterion parse_criterion(std::string_view name);  // "gini", "entropy", "mse"
std::string to_string(Criterion c);

struct TreeNode {
  std::int32_t feature = -1;        // -1: leaf
  std::int32_t left = -1;           // child for x[feature] <= threshold
  std::int32_t right = -1;
  std::uint32_t value_offset = 0;   // leaf: index of its first value in DecisionTree::values
  double threshold = 0.0;
  double impurity_decrease = 0.0;   // weighted: W*imp - W_L*imp_L - W_R*imp_R (for MDI importance)
  friend bool operator==(const TreeNode&, const TreeNode&) = default;
};

struct DecisionTree {
  std::uint32_t n_outputs = 0;      // classes (classification) or targets (regression)
  std::vector<TreeNode> nodes;      // nodes[0] is the root
  std::vector<double> values;       // n_outputs per leaf

  /// The leaf values reached by one feature row (length n_outputs).
  const double* leaf_values(const double* x) const {
    std::size_t i = 0;
    while (nodes[i].feature >= 0)
      i = static_cast<std::size_t>(x[nodes[i].feature] <= nodes[i].threshold ? nodes[i].left : nodes[i].right);
    return values.data() + nodes[i].value_offset;
  }
  std::size_t depth() const;
  std::size_t n_leaves() const;

  /// Plain binary format (documented in docs/ml.md): "XFTREE01", u32 n_outputs, u64 n_nodes,
  /// nodes (i32 feature, i32 left, i32 right, u32 value_offset, f64 threshold, f64 decrease),
  /// u64 n_values, f64 values; little-endian.
  void write(std::ostream& out) const;
  static DecisionTree read(std::istream& in);
  std::string to_bytes() const;
  static DecisionTree from_bytes(const std::string& bytes);
  friend bool operator==(const DecisionTree&, const DecisionTree&) = default;
};

/// Data shared by all trees of a forest: binned features and encoded targets of the training rows.
struct TreeTrainingSet {
  const BinnedMatrix* bins = nullptr;
  const FeatureBinner* binner = nullptr;
  Task task = Task::kClassification;
  std::size_t n_classes = 0;                  // classification
  const std::uint16_t* class_index = nullptr; // classification: class index per row
  const double* targets = nullptr;            // regression: row-major n_rows × n_outputs
  std::size_t n_outputs = 0;                  // regression
};

struct TreeOptions {
  Criterion criterion = Criterion::kGini;
  int max_depth = 0;                  // 0 = unlimited
  std::size_t min_samples_split = 2;
  std::size_t min_samples_leaf = 1;
  std::size_t max_features = 0;       // features tried per node; 0 = all
};

/// Grows one tree. sample_weight[row] is the bootstrap count times the class weight (0 = row not
/// drawn). All randomness (feature order per node) comes from `random`.
DecisionTree grow_tree(const TreeTrainingSet& set, const std::vector<double>& sample_weight, const TreeOptions& options,
                       RandomStream& random);

}  // namespace xasforge::ml
