#pragma once
/// Histogram gradient-boosted trees (Friedman, Ann. Stat. 29, 1189 (2001); second-order leaf
/// values and split gain of Chen & Guestrin, KDD 2016, eqs. 5–7; leaf-wise growth on binned
/// features as in Ke et al., NeurIPS 2017): multi-class softmax (one tree per class per round)
/// and least-squares regression (one tree per output per round), class weights.
///
/// Data-parallel training (Ke et al. §"data parallel"; Meng et al., NeurIPS 2016): the training
/// rows are cut into `n_parts` contiguous blocks, each part builds gradient/hessian histograms of
/// its own rows and a HistogramReducer sums them over all parts. Gradients and hessians are
/// quantised to 64-bit fixed point (2^-32 resolution) before they enter a histogram, so the sums
/// are exact integers and do not depend on how the rows are partitioned or in which order parts
/// are added: the model is bit for bit the same for any part (rank) count.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/ml/dataset.hpp"
#include "core/ml/decision_tree.hpp"

namespace xasforge::ml {

struct BoostingOptions {
  std::size_t rounds = 200;            // boosting iterations (each adds one tree per class / output)
  double learning_rate = 0.1;          // shrinkage of every leaf value
  std::size_t max_leaves = 31;         // leaf-wise growth stops at this many leaves
  int max_depth = 0;                   // 0 = unlimited
  std::size_t min_samples_leaf = 20;   // rows per leaf at least
  double l2 = 1.0;                     // L2 penalty λ on leaf values
  double min_gain = 0.0;               // a split must gain more than this
  double feature_fraction = 1.0;       // features drawn per tree (RandomStream(seed, tree index))
  int max_bins = 255;
  std::string class_weight = "none";   // none | balanced
  std::uint64_t seed = 1;
};

class GradientBoosting {
 public:
  Task task = Task::kClassification;
  std::vector<int> classes;
  std::size_t n_features = 0;
  std::size_t n_outputs = 0;           // classes or regression outputs
  BoostingOptions options;
  std::vector<double> base_score;      // initial raw score per output
  std::vector<DecisionTree> trees;     // round-major: trees[round * n_outputs + output], 1 value per leaf

  /// Raw scores: base_score + leaf values summed in tree order.
  TargetMatrix predict_raw(const FeatureMatrix& x) const;
  /// Classification: softmax probabilities (n × classes); regression: predictions.
  TargetMatrix predict_values(const FeatureMatrix& x) const;
  /// Total split gain per feature, normalised to sum 1 (0 everywhere for stumps only).
  std::vector<double> feature_importances() const;
};

/// Sums a histogram buffer (exact 64-bit integers) over all parts, in place. Serial: nothing.
using HistogramReducer = std::function<void(std::vector<std::int64_t>& buffer)>;

/// Trains on the listed rows; this call handles part `part` of `n_parts` (its contiguous block of
/// `rows`) and relies on `reduce` to sum histograms over the parts (every part must make the same
/// calls with the same data and options). Serial use: part 0 of 1, no reducer. Validates the data.
GradientBoosting train_boosting(const Dataset& data, const std::vector<std::size_t>& rows, const BoostingOptions& options,
                                std::size_t part = 0, std::size_t n_parts = 1, const HistogramReducer& reduce = {});

}  // namespace xasforge::ml
