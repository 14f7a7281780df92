#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include "core/error.hpp"
#include "core/ml/metrics.hpp"
#include "core/ml/model.hpp"
#include "core/ml/permutation_importance.hpp"
#include "core/ml/random_forest.hpp"
#include "tests/core/ml/synthetic.hpp"

using namespace xasforge::ml;

namespace {

struct Split {
  Dataset data;
  std::vector<std::size_t> train, test;
};

Split classification(std::size_t n = 1200, std::size_t noise = 6) {
  Split s{xasforge::test::three_class_problem(n, noise, 5), {}, {}};
  s.train = rows_in_split(s.data, kSplitTrain);
  s.test = rows_in_split(s.data, kSplitTest);
  return s;
}

}  // namespace

TEST_CASE("forest classifier learns a known boundary", "[ml][forest]") {
  const auto s = classification();
  ForestOptions o;
  o.n_trees = 60;
  const auto forest = train_forest(s.data, s.train, o);
  const Dataset test = select_rows(s.data, s.test);
  const auto pred = forest.predict_class(test.features);
  // Classes are set by x0 + x1 with no label noise: a 60-tree forest on 900 rows reaches ~0.95;
  // 0.9 leaves room for the axis-aligned staircase along the two diagonal boundaries.
  CHECK(accuracy(test.labels, pred) > 0.9);
  const TargetMatrix p = forest.predict_values(test.features);
  for (Eigen::Index i = 0; i < p.rows(); ++i) CHECK(std::abs(p.row(i).sum() - 1.0) < 1e-12);  // mean of distributions
  // MDI: the two informative features carry most of the importance.
  const auto imp = forest.feature_importances();
  CHECK(std::abs(std::accumulate(imp.begin(), imp.end(), 0.0) - 1.0) < 1e-12);
  CHECK(imp[0] + imp[1] > 0.6);
  for (std::size_t f = 2; f < imp.size(); ++f) CHECK(imp[f] < std::min(imp[0], imp[1]));
}

TEST_CASE("entropy, bagging, no bootstrap, depth limit and class weights all train", "[ml][forest]") {
  const auto s = classification(800, 3);
  const Dataset test = select_rows(s.data, s.test);
  ForestOptions o;
  o.n_trees = 30;
  SECTION("entropy") {
    o.criterion = "entropy";
    CHECK(accuracy(test.labels, train_forest(s.data, s.train, o).predict_class(test.features)) > 0.85);
  }
  SECTION("bagging (all features)") {
    o = ForestOptions::bagging();
    o.n_trees = 30;
    CHECK(accuracy(test.labels, train_forest(s.data, s.train, o).predict_class(test.features)) > 0.85);
  }
  SECTION("max_depth 1 gives stumps, min_samples_leaf bounds leaves") {
    o.max_depth = 1;
    const auto f = train_forest(s.data, s.train, o);
    for (const auto& t : f.trees) CHECK(t.depth() == 1);
    o.max_depth = 0;
    o.min_samples_leaf = 50;
    o.bootstrap = false;
    const auto g = train_forest(s.data, s.train, o);
    // 600 training rows with at least 50 per leaf: at most 12 leaves.
    for (const auto& t : g.trees) CHECK(t.n_leaves() <= 12);
  }
  SECTION("balanced class weights raise minority recall") {
    // Make class 8 rare: keep only every 10th of its training rows.
    std::vector<std::size_t> train;
    std::size_t seen = 0;
    for (auto r : s.train)
      if (s.data.labels[r] != 8 || seen++ % 10 == 0) train.push_back(r);
    auto recall8 = [&](const RandomForest& f) {
      const auto pred = f.predict_class(test.features);
      std::size_t hit = 0, total = 0;
      for (std::size_t i = 0; i < pred.size(); ++i)
        if (test.labels[i] == 8) {
          ++total;
          hit += pred[i] == 8;
        }
      return static_cast<double>(hit) / static_cast<double>(total);
    };
    o.min_samples_leaf = 5;
    const double plain = recall8(train_forest(s.data, train, o));
    o.class_weight = "balanced";
    const double balanced = recall8(train_forest(s.data, train, o));
    CHECK(balanced >= plain);
    o.class_weight = "inverse";
    CHECK_THROWS_AS(train_forest(s.data, train, o), xasforge::InputError);
  }
}

TEST_CASE("a tree depends only on (seed, tree index)", "[ml][forest][determinism]") {
  const auto s = classification(600, 4);
  ForestOptions o;
  o.n_trees = 8;
  o.seed = 42;
  const auto serial = train_forest(s.data, s.train, o);
  // Grow the same trees in another order, from a separately built trainer, as ranks would.
  ForestTrainer trainer(s.data, s.train, o);
  std::vector<DecisionTree> trees(o.n_trees);
  for (std::size_t t : {5, 2, 7, 0, 3, 6, 1, 4}) trees[t] = trainer.grow(t);
  const auto shuffled = trainer.assemble(std::move(trees));
  REQUIRE(shuffled.trees.size() == serial.trees.size());
  for (std::size_t t = 0; t < serial.trees.size(); ++t) CHECK(shuffled.trees[t] == serial.trees[t]);
  const Dataset test = select_rows(s.data, s.test);
  const TargetMatrix a = serial.predict_values(test.features), b = shuffled.predict_values(test.features);
  CHECK((a.array() == b.array()).all());  // bitwise
  o.seed = 43;
  CHECK_FALSE(train_forest(s.data, s.train, o).trees[0] == serial.trees[0]);
}

TEST_CASE("multi-output regression forest", "[ml][forest][regression]") {
  const auto d = xasforge::test::two_output_regression(1600, 3, 9);
  const auto train = rows_in_split(d, kSplitTrain), test_rows = rows_in_split(d, kSplitTest);
  ForestOptions o;
  o.n_trees = 40;
  o.max_features = "all";
  const auto f = train_forest(d, train, o);
  CHECK(f.n_outputs == 2);
  const Dataset test = select_rows(d, test_rows);
  // Smooth noiseless targets of 3 of 6 features; 1200 rows give R² ~0.97. 0.9 is a safe floor.
  CHECK(r2_score(test.targets, f.predict_values(test.features)) > 0.9);
  o.criterion = "gini";
  CHECK_THROWS_AS(train_forest(d, train, o), xasforge::InputError);
}

TEST_CASE("permutation importance singles out the informative features", "[ml][importance]") {
  const auto s = classification(800, 3);
  TrainingOptions o;
  o.forest.n_trees = 30;
  const Model m = train_model(s.data, s.train, o);
  const auto pi = permutation_importance(m, s.data, s.test, 3, 1);
  CHECK(pi.baseline > 0.85);
  CHECK(pi.mean_drop[0] > 0.1);  // shuffling x0 or x1 destroys the boundary
  CHECK(pi.mean_drop[1] > 0.1);
  for (std::size_t f = 2; f < pi.mean_drop.size(); ++f) CHECK(pi.mean_drop[f] < 0.05);
}

TEST_CASE("tree bytes round-trip and corrupt bytes are rejected", "[ml][forest][serialization]") {
  const auto s = classification(300, 2);
  ForestOptions o;
  o.n_trees = 2;
  const auto f = train_forest(s.data, s.train, o);
  const std::string bytes = f.trees[1].to_bytes();
  CHECK(DecisionTree::from_bytes(bytes) == f.trees[1]);
  CHECK_THROWS_AS(DecisionTree::from_bytes(bytes.substr(0, bytes.size() / 2)), xasforge::InputError);
  CHECK_THROWS_AS(DecisionTree::from_bytes("not a tree"), xasforge::InputError);
}

TEST_CASE("bad forest options are rejected", "[ml][forest]") {
  CHECK(resolve_max_features("sqrt", 326) == 18);
  CHECK(resolve_max_features("log2", 326) == 8);
  CHECK(resolve_max_features("0.5", 10) == 5);
  CHECK(resolve_max_features("7", 10) == 7);
  CHECK(resolve_max_features("all", 10) == 10);
  CHECK_THROWS_AS(resolve_max_features("1.5", 10), xasforge::InputError);
  CHECK_THROWS_AS(resolve_max_features("many", 10), xasforge::InputError);
  const auto s = classification(100, 1);
  ForestOptions o;
  o.n_trees = 0;
  CHECK_THROWS_AS(train_forest(s.data, s.train, o), xasforge::InputError);
}

TEST_CASE("Gini search: 16-bit, 32-bit and double histograms grow the same tree", "[ml][forest][gini]") {
  // Scaling every weight by a power of two scales every split proxy, node weight and impurity
  // decrease exactly by that power and leaves Gini impurities and leaf distributions unchanged, so
  // the three searches must give identical trees: bootstrap counts (16-bit counts, nodes of weight
  // <= 32,767), counts x 1024 (32-bit counts in the upper nodes) and counts x 0.5 (not whole
  // numbers: the double search). Checked with 3 classes (fixed-size path) and 10 classes
  // (run-time class count), with and without min_samples_leaf.
  for (const int n_classes : {3, 10}) {
    for (const std::size_t leaf : {std::size_t{1}, std::size_t{3}}) {
      auto d = xasforge::test::three_class_problem(1500, 6, 9);
      RandomStream noise(17, static_cast<std::uint64_t>(n_classes));
      for (std::size_t i = 0; i < d.labels.size(); ++i) {
        const auto row = static_cast<Eigen::Index>(i);
        if (n_classes == 10) d.labels[i] = std::min(9, static_cast<int>(5.0 * (d.features(row, 0) + d.features(row, 1))));
        if (noise.uniform01() < 0.15) {  // label noise keeps the trees deep
          const auto c = static_cast<int>(noise.uniform_index(static_cast<std::size_t>(n_classes)));
          d.labels[i] = n_classes == 3 ? 4 + 2 * c : c;  // CN 4, 6, 8 or classes 0..9
        }
      }
      const auto classes = distinct_classes(d.labels);
      REQUIRE(classes.size() == static_cast<std::size_t>(n_classes));
      std::vector<std::uint16_t> class_index(d.labels.size());
      for (std::size_t i = 0; i < d.labels.size(); ++i)
        class_index[i] = static_cast<std::uint16_t>(std::lower_bound(classes.begin(), classes.end(), d.labels[i]) - classes.begin());
      const auto rows = all_rows(d);
      BinnedMatrix bins;
      const auto binner = FeatureBinner::fit_transform(d.features, rows, 255, bins);
      TreeTrainingSet set;
      set.bins = &bins;
      set.binner = &binner;
      set.n_classes = classes.size();
      set.class_index = class_index.data();
      TreeOptions opt;
      opt.max_features = 3;
      opt.min_samples_leaf = leaf;
      RandomStream boot(5, 0);
      std::vector<double> counts(rows.size(), 0.0);
      for (std::size_t i = 0; i < rows.size(); ++i) counts[boot.uniform_index(rows.size())] += 1.0;
      auto grow = [&](double scale) {
        std::vector<double> w = counts;
        for (auto& v : w) v *= scale;
        RandomStream random(5, 1);
        return grow_tree(set, w, opt, random);
      };
      const DecisionTree small = grow(1.0), wide = grow(1024.0), real = grow(0.5);
      REQUIRE(small.nodes.size() > 100);
      for (const auto& [other, scale] : {std::pair{&wide, 1024.0}, std::pair{&real, 0.5}}) {
        REQUIRE(other->nodes.size() == small.nodes.size());
        for (std::size_t i = 0; i < small.nodes.size(); ++i) {
          const TreeNode& a = small.nodes[i];
          const TreeNode& b = other->nodes[i];
          CHECK(a.feature == b.feature);
          CHECK(a.threshold == b.threshold);
          CHECK(a.left == b.left);
          CHECK(a.impurity_decrease * scale == b.impurity_decrease);  // exact: power-of-two scaling
        }
        CHECK(other->values == small.values);  // leaf class distributions, bitwise
      }
    }
  }
}
