#include "core/ml/model.hpp"

#include "core/error.hpp"
#include "core/ml/metrics.hpp"

namespace xasforge::ml {

ModelKind parse_model_kind(std::string_view name) {
  if (name == "random_forest" || name == "forest" || name == "rf") return ModelKind::kRandomForest;
  if (name == "neural_network" || name == "nn" || name == "mlp") return ModelKind::kNeuralNetwork;
  if (name == "gradient_boosting" || name == "gbt" || name == "boosting") return ModelKind::kGradientBoosting;
  throw InputError("model: unknown '" + std::string(name) + "'; expected random_forest, neural_network or gradient_boosting");
}

std::string to_string(ModelKind kind) {
  if (kind == ModelKind::kGradientBoosting) return "gradient_boosting";
  return kind == ModelKind::kRandomForest ? "random_forest" : "neural_network";
}

std::size_t Model::n_features() const {
  if (kind == ModelKind::kGradientBoosting) return boosting.n_features;
  return kind == ModelKind::kRandomForest ? forest.n_features : network.n_inputs();
}

std::size_t Model::n_outputs() const {
  if (kind == ModelKind::kGradientBoosting) return boosting.n_outputs;
  return kind == ModelKind::kRandomForest ? forest.n_outputs : network.n_outputs();
}

TargetMatrix Model::predict_values(FeatureMatrix x) const {
  if (static_cast<std::size_t>(x.cols()) != n_features())
    throw InputError("model expects " + std::to_string(n_features()) + " features (" + feature_name + "), given " +
                     std::to_string(x.cols()));
  normalization.apply(x);
  if (kind == ModelKind::kGradientBoosting) return boosting.predict_values(x);
  return kind == ModelKind::kRandomForest ? forest.predict_values(x) : network.predict_values(x);
}

std::vector<int> Model::classes_from(const TargetMatrix& p) const {
  if (task != Task::kClassification) throw InputError("model: class prediction from a regression model");
  std::vector<int> out(static_cast<std::size_t>(p.rows()));
  for (Eigen::Index i = 0; i < p.rows(); ++i) {
    Eigen::Index best = 0;
    for (Eigen::Index j = 1; j < p.cols(); ++j)
      if (p(i, j) > p(i, best)) best = j;
    out[static_cast<std::size_t>(i)] = classes[static_cast<std::size_t>(best)];
  }
  return out;
}

std::vector<int> Model::predict_class(const FeatureMatrix& x) const { return classes_from(predict_values(x)); }

Model model_skeleton(const Dataset& data, ModelKind kind) {
  Model m;
  m.kind = kind;
  m.task = data.task;
  m.feature_name = data.feature_name;
  m.feature_grid = data.feature_grid;
  m.target_name = data.target_name;
  m.target_grid = data.target_grid;
  m.target_grid_weight = data.target_grid_weight;
  return m;
}

Model wrap_forest(const Dataset& data, RandomForest forest, Normalization normalization) {
  Model m = model_skeleton(data, ModelKind::kRandomForest);
  m.classes = forest.classes;
  m.normalization = std::move(normalization);
  m.forest = std::move(forest);
  return m;
}

Model wrap_boosting(const Dataset& data, GradientBoosting boosting, Normalization normalization) {
  Model m = model_skeleton(data, ModelKind::kGradientBoosting);
  m.classes = boosting.classes;
  m.normalization = std::move(normalization);
  m.boosting = std::move(boosting);
  return m;
}

Model train_model(const Dataset& data, const std::vector<std::size_t>& rows, const TrainingOptions& options) {
  Model m = model_skeleton(data, options.kind);
  m.normalization = Normalization::fit(options.normalization, data.features, rows);
  Dataset normalised = select_rows(data, rows);
  m.normalization.apply(normalised.features);
  const auto local = all_rows(normalised);
  if (options.kind == ModelKind::kRandomForest) {
    m.forest = train_forest(normalised, local, options.forest);
    m.classes = m.forest.classes;
  } else if (options.kind == ModelKind::kGradientBoosting) {
    m.boosting = train_boosting(normalised, local, options.boosting);
    m.classes = m.boosting.classes;
  } else {
    m.network = train_network(normalised, local, options.network);
    m.classes = m.network.classes;
  }
  return m;
}

Scores score_predictions(const Dataset& data, const std::vector<std::size_t>& rows, const TargetMatrix& predicted,
                         const Model& model) {
  Scores s;
  s.rows = rows.size();
  if (data.task == Task::kClassification) {
    std::vector<int> truth;
    for (auto r : rows) truth.push_back(data.labels[r]);
    const auto pred = model.classes_from(predicted);
    s.accuracy = accuracy(truth, pred);
    s.macro_f1 = macro_f1(truth, pred);
    s.within_one = accuracy_within(truth, pred, 1);
  } else {
    TargetMatrix truth(static_cast<Eigen::Index>(rows.size()), data.targets.cols());
    for (std::size_t i = 0; i < rows.size(); ++i) truth.row(static_cast<Eigen::Index>(i)) = data.targets.row(static_cast<Eigen::Index>(rows[i]));
    s.r2 = r2_score(truth, predicted);
  }
  return s;
}

Scores evaluate(const Model& model, const Dataset& data, const std::vector<std::size_t>& rows) {
  const Dataset subset = select_rows(data, rows);
  return score_predictions(data, rows, model.predict_values(subset.features), model);
}

}  // namespace xasforge::ml
