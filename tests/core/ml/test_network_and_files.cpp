#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include "core/error.hpp"
#include "core/ml/cross_validation.hpp"
#include "core/ml/metrics.hpp"
#include "core/ml/model_file.hpp"
#include "core/ml/neural_network.hpp"
#include "tests/core/ml/synthetic.hpp"
#include "tests/test_paths.hpp"

using namespace xasforge::ml;
using Catch::Matchers::Contains;

TEST_CASE("network gradient matches finite differences", "[ml][network]") {
  for (Task task : {Task::kClassification, Task::kRegression}) {
    auto net = NeuralNetwork::initialise(task, {4, 5, 3, task == Task::kClassification ? 3u : 2u}, 3);
    FeatureMatrix x(6, 4);
    TargetMatrix y(6, task == Task::kClassification ? 1 : 2);
    RandomStream r(1, 2);
    for (Eigen::Index i = 0; i < 6; ++i) {
      for (Eigen::Index j = 0; j < 4; ++j) x(i, j) = r.normal();
      for (Eigen::Index j = 0; j < y.cols(); ++j) y(i, j) = task == Task::kClassification ? static_cast<double>(i % 3) : r.normal();
    }
    const std::vector<std::size_t> rows{0, 1, 2, 3, 4, 5};
    Eigen::VectorXd g = Eigen::VectorXd::Zero(net.parameters.size()), dummy = g;
    net.accumulate_gradient(x, y, rows.data(), rows.size(), 0.0, 0, g);
    for (Eigen::Index k = 0; k < net.parameters.size(); k += 3) {
      const double h = 1e-6, keep = net.parameters[k];
      net.parameters[k] = keep + h;
      const double up = net.accumulate_gradient(x, y, rows.data(), rows.size(), 0.0, 0, dummy);
      net.parameters[k] = keep - h;
      const double down = net.accumulate_gradient(x, y, rows.data(), rows.size(), 0.0, 0, dummy);
      net.parameters[k] = keep;
      // Central difference error O(h²) plus round-off ~1e-16/h: 1e-6 absolute + 1e-5 relative is safe.
      INFO("parameter " << k);
      CHECK(std::abs((up - down) / (2 * h) - g[k]) < 1e-6 + 1e-5 * std::abs(g[k]));
    }
  }
}

TEST_CASE("network learns classification and regression", "[ml][network]") {
  NetworkOptions o;
  o.hidden = {32, 32};
  o.dropout = 0.1;
  o.max_epochs = 60;
  o.patience = 10;
  o.learning_rate = 3e-3;
  o.batch_size = 64;
  o.chunk_size = 16;
  {
    const auto d = xasforge::test::three_class_problem(900, 3, 2);
    const auto train = rows_in_split(d, kSplitTrain);
    const Dataset test = select_rows(d, rows_in_split(d, kSplitTest));
    NetworkTrainingReport report;
    const auto net = train_network(d, train, o, serial_gradient_reducer(), &report);
    CHECK(report.best_epoch >= 1);
    // Two linear boundaries in 2 of 5 inputs: a small ReLU net reaches ~0.95; 0.85 is a floor.
    CHECK(accuracy(test.labels, net.predict_class(test.features)) > 0.85);
  }
  {
    const auto d = xasforge::test::two_output_regression(900, 2, 4);
    const auto net = train_network(d, rows_in_split(d, kSplitTrain), o);
    const Dataset test = select_rows(d, rows_in_split(d, kSplitTest));
    CHECK(r2_score(test.targets, net.predict_values(test.features)) > 0.85);  // smooth targets: ~0.95
  }
  o.dropout = 1.0;
  const auto d = xasforge::test::three_class_problem(100, 1, 2);
  CHECK_THROWS_AS(train_network(d, all_rows(d), o), xasforge::InputError);
}

TEST_CASE("model files round-trip bitwise and reject foreign or newer files", "[ml][model_file]") {
  const auto d = xasforge::test::three_class_problem(400, 2, 6);
  const auto train = rows_in_split(d, kSplitTrain);
  const Dataset test = select_rows(d, rows_in_split(d, kSplitTest));
  const auto path = (xasforge::test::binary_dir() / "test_ml_model.xfm").string();
  for (ModelKind kind : {ModelKind::kRandomForest, ModelKind::kNeuralNetwork}) {
    TrainingOptions o;
    o.kind = kind;
    o.forest.n_trees = 10;
    o.network.hidden = {8};
    o.network.max_epochs = 3;
    o.normalization = NormalizationKind::kMinMax;
    const Model m = train_model(d, train, o);
    save_model(path, m);
    const Model back = load_model(path);
    CHECK(back.kind == kind);
    CHECK(back.classes == std::vector<int>{4, 6, 8});
    CHECK(back.feature_name == "/features/synthetic");
    CHECK(back.normalization.offset == m.normalization.offset);
    const TargetMatrix a = m.predict_values(test.features), b = back.predict_values(test.features);
    CHECK((a.array() == b.array()).all());
  }
  {  // A regression on a grid keeps its target grid and k weight.
    Model m = train_model(d, train, TrainingOptions{});
    m.target_grid = {3.0, 3.05, 3.1};
    m.target_grid_weight = 2;
    save_model(path, m);
    const Model back = load_model(path);
    CHECK(back.target_grid == m.target_grid);
    CHECK(back.target_grid_weight == 2);
  }
  {
    std::ofstream out(path, std::ios::binary);
    out << "hello";
  }
  CHECK_THROWS_WITH(load_model(path), Contains("not an xasforge model file"));
  CHECK_THROWS_WITH(load_model(path + ".missing"), Contains("cannot open model file"));
  std::remove(path.c_str());
}

TEST_CASE("stratified folds partition the rows and keep class shares", "[ml][cv]") {
  const auto d = xasforge::test::three_class_problem(303, 1, 8);
  const auto rows = all_rows(d);
  const auto folds = kfold_splits(d, rows, 5, 1);
  std::vector<int> seen(rows.size(), 0);
  for (const auto& f : folds)
    for (auto r : f) ++seen[r];
  CHECK(std::all_of(seen.begin(), seen.end(), [](int v) { return v == 1; }));
  for (int c : {4, 6, 8}) {
    std::size_t lo = 1000, hi = 0;
    for (const auto& f : folds) {
      const auto k = static_cast<std::size_t>(std::count_if(f.begin(), f.end(), [&](std::size_t r) { return d.labels[r] == c; }));
      lo = std::min(lo, k);
      hi = std::max(hi, k);
    }
    CHECK(hi - lo <= 1);  // dealt round-robin per class
  }
  CHECK_THROWS_AS(kfold_splits(d, rows, 1, 1), xasforge::InputError);
}

TEST_CASE("grid search expands specs and prefers the better setting", "[ml][cv]") {
  TrainingOptions base;
  base.forest.n_trees = 15;
  const auto grid = expand_grid(base, "max_depth=1,0;min_samples_leaf=1,2");
  REQUIRE(grid.size() == 4);
  CHECK(grid[0].forest.max_depth == 1);
  CHECK(grid[1].forest.min_samples_leaf == 2);
  CHECK(describe_grid("max_depth=1,0;min_samples_leaf=1,2")[3] == "max_depth=0;min_samples_leaf=2");
  CHECK_THROWS_AS(expand_grid(base, "depth=3"), xasforge::InputError);
  CHECK_THROWS_AS(expand_grid(base, "max_features=lots"), xasforge::InputError);
  const auto d = xasforge::test::three_class_problem(300, 2, 8);
  const auto r = grid_search(d, all_rows(d), expand_grid(base, "max_depth=1,0"), 3, 1);
  CHECK(r.best == 1);  // stumps cannot draw two diagonal boundaries
  CHECK(r.mean_score[1] > r.mean_score[0]);
}
