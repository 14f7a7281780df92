#pragma once
/// Random forest classifier and multi-output regressor (Breiman 2001): bootstrap samples,
/// random feature subsets per node, histogram split search. Tree t draws all its randomness from
/// RandomStream(seed, t), so a forest is the same whichever process grows which tree.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ml/dataset.hpp"
#include "core/ml/decision_tree.hpp"
#include "core/ml/feature_binning.hpp"

namespace xasforge::ml {

struct ForestOptions {
  std::size_t n_trees = 100;
  std::string max_features = "sqrt";  // sqrt | log2 | all | integer count | fraction in (0, 1]
  int max_depth = 0;                  // 0 = unlimited
  std::size_t min_samples_leaf = 1;
  std::size_t min_samples_split = 2;
  std::string criterion;              // gini | entropy (classification), mse (regression); empty = default
  bool bootstrap = true;              // false: every tree sees every row once
  std::string class_weight = "none";  // none | balanced (n / (n_classes * n_class))
  int max_bins = 255;
  std::uint64_t seed = 1;

  /// Bagging: bootstrap with all features tried at every node.
  static ForestOptions bagging() {
    ForestOptions o;
    o.max_features = "all";
    return o;
  }
};

/// Number of features tried per node; throws InputError on a bad spec.
std::size_t resolve_max_features(std::string_view spec, std::size_t n_features);

class RandomForest {
 public:
  Task task = Task::kClassification;
  std::vector<int> classes;           // classification: class values, index = output column
  std::size_t n_features = 0;
  std::size_t n_outputs = 0;          // classes or regression outputs
  ForestOptions options;
  std::vector<DecisionTree> trees;    // in tree-index order

  /// Mean over trees of leaf values, summed in tree order (bitwise reproducible): class
  /// probabilities (n × n_classes) or regression predictions (n × n_outputs).
  TargetMatrix predict_values(const FeatureMatrix& x) const;
  /// Classification: class value with the highest probability (first on ties).
  std::vector<int> predict_class(const FeatureMatrix& x) const;
  /// Mean decrease in impurity per feature, normalised per tree then averaged (sums to 1).
  std::vector<double> feature_importances() const;
};

/// Everything the trees of one forest share: options, binned training rows, encoded targets and
/// class weights. grow(t) is independent of every other tree, so trees can be grown anywhere.
class ForestTrainer {
 public:
  /// Validates the data (see validate()) and bins the listed rows.
  ForestTrainer(const Dataset& data, const std::vector<std::size_t>& rows, ForestOptions options);
  ForestTrainer(const ForestTrainer&) = delete;  // set_ points into this object
  ForestTrainer& operator=(const ForestTrainer&) = delete;
  DecisionTree grow(std::size_t tree_index) const;
  /// The forest from trees grown by grow(0..n_trees-1), in index order.
  RandomForest assemble(std::vector<DecisionTree> trees) const;
  const ForestOptions& options() const { return options_; }
  std::size_t n_trees() const { return options_.n_trees; }

 private:
  ForestOptions options_;
  TreeOptions tree_options_;
  Task task_;
  std::vector<int> classes_;
  std::size_t n_features_ = 0, n_outputs_ = 0;
  FeatureBinner binner_;
  BinnedMatrix bins_;
  std::vector<std::uint16_t> class_index_;
  std::vector<double> targets_;       // row-major
  std::vector<double> row_weight_;    // class weight of each row (1 without class weights)
  TreeTrainingSet set_;
};

/// Serial training: all trees in this process.
RandomForest train_forest(const Dataset& data, const std::vector<std::size_t>& rows, const ForestOptions& options);

}  // namespace xasforge::ml
