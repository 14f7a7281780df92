#include <cmath>
#include <catch2/catch.hpp>

#include <limits>

#include "core/error.hpp"
#include "core/ml/dataset.hpp"
#include "core/ml/feature_binning.hpp"
#include "core/ml/normalization.hpp"
#include "core/ml/random_forest.hpp"
#include "tests/core/ml/synthetic.hpp"

using namespace xasforge::ml;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;

TEST_CASE("bad data sets give clear errors", "[ml][dataset]") {
  auto d = xasforge::test::three_class_problem(40, 2, 1);
  SECTION("NaN feature names row and column") {
    d.features(5, 1) = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH(validate(d, "x.h5"), Contains("row 5") && Contains("column 1") && Contains("not finite"));
    CHECK_THROWS_AS(train_forest(d, all_rows(d), ForestOptions{}), xasforge::InputError);
  }
  SECTION("label / feature count mismatch") {
    d.labels.pop_back();
    CHECK_THROWS_WITH(validate(d, "x.h5"), Contains("39 labels for 40 feature rows"));
  }
  SECTION("single class") {
    for (auto& l : d.labels) l = 6;
    CHECK_THROWS_WITH(validate(d, "x.h5"), Contains("same class") && Contains("at least two classes"));
    CHECK_THROWS_AS(train_forest(d, all_rows(d), ForestOptions{}), xasforge::InputError);
  }
  SECTION("no rows") { CHECK_THROWS_AS(validate(select_rows(d, {}), "x.h5"), xasforge::InputError); }
}

TEST_CASE("filters by element and split", "[ml][dataset]") {
  const auto d = xasforge::test::three_class_problem(40, 2, 1);
  CHECK(rows_with_element(d, 26).size() == 20);
  CHECK(rows_in_split(d, kSplitTest).size() == 10);
  Dataset untagged = d;
  untagged.element_z.clear();
  CHECK_THROWS_AS(rows_with_element(untagged, 26), xasforge::InputError);
}

TEST_CASE("a grid target is restricted to a k range and k-weighted", "[ml][dataset]") {
  Dataset d;
  d.task = Task::kRegression;
  d.target_name = "chi";
  d.features = FeatureMatrix::Zero(2, 1);
  d.target_grid = {0.0, 1.0, 2.0, 3.0, 4.0};
  d.targets.resize(2, 5);
  d.targets << 1, 2, 3, 4, 5,  //
      -1, -2, -3, -4, -5;
  Dataset k2 = d;
  restrict_target_grid(k2, 1.0, 3.0, 2);  // keeps k = 1, 2, 3 (ends included) and multiplies by k²
  REQUIRE(k2.targets.cols() == 3);
  CHECK(k2.target_grid == std::vector<double>{1.0, 2.0, 3.0});
  CHECK(k2.target_grid_weight == 2);
  // Exact: products of small integers.
  CHECK(k2.targets(0, 0) == 2.0);
  CHECK(k2.targets(0, 1) == 12.0);
  CHECK(k2.targets(1, 2) == -36.0);
  // The weight and grid travel with selected rows.
  const Dataset one = select_rows(k2, {1});
  CHECK(one.target_grid == k2.target_grid);
  CHECK(one.target_grid_weight == 2);
  SECTION("errors name the problem") {
    Dataset e = d;
    CHECK_THROWS_WITH(restrict_target_grid(e, 7.0, 9.0, 0), Contains("no target grid point lies in [7"));
    CHECK_THROWS_WITH(restrict_target_grid(e, 1.0, 2.0, 4), Contains("outside 0..3"));
    e.target_grid.clear();
    CHECK_THROWS_WITH(restrict_target_grid(e, 1.0, 2.0, 0), Contains("has no grid to restrict"));
  }
}

TEST_CASE("normalization is fitted on the training rows only", "[ml][normalization]") {
  FeatureMatrix x(3, 2);
  x << 0, 10, 2, 10, 4, 30;
  const auto mm = Normalization::fit(NormalizationKind::kMinMax, x, {0, 1});
  FeatureMatrix y = x;
  mm.apply(y);
  // Column 0: min 0, max 2 from rows 0-1; row 2 (value 4) maps to 2, outside [0, 1]. Exact arithmetic.
  CHECK(y(0, 0) == 0.0);
  CHECK(y(1, 0) == 1.0);
  CHECK(y(2, 0) == 2.0);
  CHECK(y(2, 1) == 20.0);  // column 1 constant on rows 0-1: scale 1, offset 10
  const auto mean = Normalization::fit(NormalizationKind::kMean, x, {0, 1, 2});
  FeatureMatrix z = x;
  mean.apply(z);
  // mean 2, population sd sqrt(8/3): row 2 -> 2 / sqrt(8/3); 1e-14 covers the rounding of sqrt.
  CHECK_THAT(z(2, 0), WithinAbs(2.0 / std::sqrt(8.0 / 3.0), 1e-14));
  CHECK_THROWS_AS(parse_normalization("zscore"), xasforge::InputError);
}

TEST_CASE("feature binning: bin <= b exactly when value <= cut b", "[ml][binning]") {
  auto d = xasforge::test::three_class_problem(2000, 1, 3);
  for (Eigen::Index i = 0; i < 2000; ++i) d.features(i, 2) = static_cast<double>(i % 7);  // 7 distinct values
  const auto rows = all_rows(d);
  const auto b = FeatureBinner::fit(d.features, rows, 255);
  CHECK(b.cuts(0).size() <= 254);
  CHECK(b.cuts(0).size() >= 200);  // 2000 distinct values: close to the full 254 cuts
  REQUIRE(b.cuts(2).size() == 6);  // exact midpoints between the 7 distinct values
  CHECK(b.cuts(2)[0] == 0.5);
  CHECK(b.cuts(2)[5] == 5.5);
  for (std::size_t f = 0; f < 3; ++f)
    for (Eigen::Index i = 0; i < 2000; i += 37) {
      const double v = d.features(i, static_cast<Eigen::Index>(f));
      const auto bin = b.bin(f, v);
      for (std::size_t c = 0; c < b.cuts(f).size(); ++c) CHECK((bin <= c) == (v <= b.cuts(f)[c]));
    }
  // The search at and just beside every cut, and at the ends (the branch-free search against its definition).
  for (std::size_t f = 0; f < 3; ++f) {
    const auto& cuts = b.cuts(f);
    for (std::size_t c = 0; c < cuts.size(); ++c) {
      CHECK(b.bin(f, cuts[c]) == c);
      CHECK(b.bin(f, std::nextafter(cuts[c], HUGE_VAL)) == c + 1);
    }
    CHECK(b.bin(f, -HUGE_VAL) == 0);
    CHECK(b.bin(f, HUGE_VAL) == cuts.size());
  }
  // fit_transform (codes from the sorted order) gives the same cuts and codes as fit + transform,
  // also with negative values, ±0 and repeated values in a column.
  for (Eigen::Index i = 0; i < 2000; ++i) d.features(i, 1) = (i % 3 == 0 ? -1.0 : 1.0) * static_cast<double>(i % 300) * 0.25;
  d.features(5, 1) = -0.0;
  std::vector<std::size_t> some;
  for (std::size_t i = 0; i < 2000; i += 3) some.push_back(i);
  BinnedMatrix one_pass;
  const auto b2 = FeatureBinner::fit_transform(d.features, some, 255, one_pass);
  const auto b3 = FeatureBinner::fit(d.features, some, 255);
  const auto two_pass = b3.transform(d.features, some);
  for (std::size_t f = 0; f < 3; ++f) CHECK(b2.cuts(f) == b3.cuts(f));
  CHECK(one_pass.codes == two_pass.codes);
  CHECK(one_pass.row_codes == two_pass.row_codes);
}
