#include "core/ml/random_forest.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/error.hpp"

namespace xasforge::ml {

std::size_t resolve_max_features(std::string_view spec, std::size_t n_features) {
  const double p = static_cast<double>(n_features);
  std::size_t m = 0;
  if (spec == "sqrt") {
    m = static_cast<std::size_t>(std::sqrt(p));
  } else if (spec == "log2") {
    m = static_cast<std::size_t>(std::log2(p));
  } else if (spec == "all" || spec == "none" || spec == "1.0") {
    m = n_features;
  } else {
    const std::string s(spec);
    if (s.find('.') != std::string::npos) {
      char* end = nullptr;
      const double f = std::strtod(s.c_str(), &end);
      if (end == s.c_str() || *end != '\0' || !(f > 0.0) || f > 1.0)
        throw InputError("max_features: '" + s + "' is not a fraction in (0, 1]; expected sqrt, log2, all, N or a fraction");
      m = static_cast<std::size_t>(f * p);
    } else {
      long v = 0;
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || ptr != s.data() + s.size() || v <= 0)
        throw InputError("max_features: '" + s + "' is not valid; expected sqrt, log2, all, a positive count or a fraction");
      m = static_cast<std::size_t>(v);
    }
  }
  return std::clamp<std::size_t>(m, 1, std::max<std::size_t>(n_features, 1));
}

TargetMatrix RandomForest::predict_values(const FeatureMatrix& x) const {
  if (static_cast<std::size_t>(x.cols()) != n_features)
    throw InputError("random forest: trained on " + std::to_string(n_features) + " features, given rows with " +
                     std::to_string(x.cols()));
  if (trees.empty()) throw InputError("random forest: no trees");
  TargetMatrix out = TargetMatrix::Zero(x.rows(), static_cast<Eigen::Index>(n_outputs));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double* row = x.data() + i * x.cols();
    double* o = out.data() + i * out.cols();
    for (const auto& t : trees) {
      const double* v = t.leaf_values(row);
      for (std::size_t j = 0; j < n_outputs; ++j) o[j] += v[j];
    }
    const double inv = 1.0 / static_cast<double>(trees.size());
    for (std::size_t j = 0; j < n_outputs; ++j) o[j] *= inv;
  }
  return out;
}

std::vector<int> RandomForest::predict_class(const FeatureMatrix& x) const {
  if (task != Task::kClassification) throw InputError("random forest: predict_class on a regression forest");
  const TargetMatrix p = predict_values(x);
  std::vector<int> out(static_cast<std::size_t>(p.rows()));
  for (Eigen::Index i = 0; i < p.rows(); ++i) {
    Eigen::Index best = 0;
    for (Eigen::Index j = 1; j < p.cols(); ++j)
      if (p(i, j) > p(i, best)) best = j;
    out[static_cast<std::size_t>(i)] = classes[static_cast<std::size_t>(best)];
  }
  return out;
}

std::vector<double> RandomForest::feature_importances() const {
  std::vector<double> total(n_features, 0.0), one(n_features);
  std::size_t used = 0;
  for (const auto& t : trees) {
    std::fill(one.begin(), one.end(), 0.0);
    double sum = 0.0;
    for (const auto& n : t.nodes)
      if (n.feature >= 0) {
        one[static_cast<std::size_t>(n.feature)] += n.impurity_decrease;
        sum += n.impurity_decrease;
      }
    if (sum <= 0.0) continue;  // a single-leaf tree carries no importance
    for (std::size_t f = 0; f < n_features; ++f) total[f] += one[f] / sum;
    ++used;
  }
  if (used > 0)
    for (auto& v : total) v /= static_cast<double>(used);
  return total;
}

ForestTrainer::ForestTrainer(const Dataset& data, const std::vector<std::size_t>& rows, ForestOptions options)
    : options_(std::move(options)), task_(data.task) {
  const Dataset subset = select_rows(data, rows);
  validate(subset, data.source.empty() ? "training data" : data.source);
  if (options_.n_trees == 0) throw InputError("random forest: trees must be at least 1");
  if (options_.min_samples_leaf == 0) throw InputError("random forest: min_samples_leaf must be at least 1");
  if (options_.max_depth < 0) throw InputError("random forest: max_depth must be >= 0 (0 = unlimited)");
  n_features_ = subset.n_features();
  const std::size_t n = subset.rows();
  if (options_.criterion.empty()) options_.criterion = task_ == Task::kClassification ? "gini" : "mse";
  tree_options_.criterion = parse_criterion(options_.criterion);
  tree_options_.max_depth = options_.max_depth;
  tree_options_.min_samples_leaf = options_.min_samples_leaf;
  tree_options_.min_samples_split = std::max<std::size_t>(options_.min_samples_split, 2);
  tree_options_.max_features = resolve_max_features(options_.max_features, n_features_);
  row_weight_.assign(n, 1.0);
  if (task_ == Task::kClassification) {
    classes_ = distinct_classes(subset.labels);
    if (classes_.size() > 65535) throw InputError("random forest: more than 65535 classes");
    n_outputs_ = classes_.size();
    class_index_.resize(n);
    std::vector<std::size_t> count(classes_.size(), 0);
    for (std::size_t i = 0; i < n; ++i) {
      const auto c = static_cast<std::size_t>(std::lower_bound(classes_.begin(), classes_.end(), subset.labels[i]) - classes_.begin());
      class_index_[i] = static_cast<std::uint16_t>(c);
      ++count[c];
    }
    if (options_.class_weight == "balanced") {
      for (std::size_t i = 0; i < n; ++i)
        row_weight_[i] = static_cast<double>(n) / (static_cast<double>(classes_.size()) * static_cast<double>(count[class_index_[i]]));
    } else if (options_.class_weight != "none" && !options_.class_weight.empty()) {
      throw InputError("class_weight: unknown '" + options_.class_weight + "'; expected none or balanced");
    }
  } else {
    if (options_.class_weight != "none" && !options_.class_weight.empty())
      throw InputError("class_weight applies to classification only");
    n_outputs_ = static_cast<std::size_t>(subset.targets.cols());
    targets_.assign(subset.targets.data(), subset.targets.data() + subset.targets.size());
  }
  const auto local = all_rows(subset);
  binner_ = FeatureBinner::fit_transform(subset.features, local, options_.max_bins, bins_);
  set_.bins = &bins_;
  set_.binner = &binner_;
  set_.task = task_;
  set_.n_classes = classes_.size();
  set_.class_index = class_index_.data();
  set_.targets = targets_.data();
  set_.n_outputs = n_outputs_;
  // Validate the criterion against the task now rather than in every tree.
  if ((tree_options_.criterion == Criterion::kMse) != (task_ == Task::kRegression))
    throw InputError("criterion " + options_.criterion + " does not fit a " +
                     (task_ == Task::kRegression ? "regression" : "classification") + " target");
}

DecisionTree ForestTrainer::grow(std::size_t tree_index) const {
  RandomStream random(options_.seed, tree_index);
  const std::size_t n = bins_.n_rows;
  std::vector<double> weight(n, 0.0);
  if (options_.bootstrap) {
    for (std::size_t i = 0; i < n; ++i) weight[random.uniform_index(n)] += 1.0;
  } else {
    std::fill(weight.begin(), weight.end(), 1.0);
  }
  for (std::size_t i = 0; i < n; ++i) weight[i] *= row_weight_[i];
  return grow_tree(set_, weight, tree_options_, random);
}

RandomForest ForestTrainer::assemble(std::vector<DecisionTree> trees) const {
  RandomForest f;
  f.task = task_;
  f.classes = classes_;
  f.n_features = n_features_;
  f.n_outputs = n_outputs_;
  f.options = options_;
  f.trees = std::move(trees);
  return f;
}

RandomForest train_forest(const Dataset& data, const std::vector<std::size_t>& rows, const ForestOptions& options) {
  ForestTrainer trainer(data, rows, options);
  std::vector<DecisionTree> trees;
  trees.reserve(trainer.n_trees());
  for (std::size_t t = 0; t < trainer.n_trees(); ++t) trees.push_back(trainer.grow(t));
  return trainer.assemble(std::move(trees));
}

}  // namespace xasforge::ml
