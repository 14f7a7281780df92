#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/ml/metrics.hpp"

using namespace xasforge::ml;
using Catch::Matchers::WithinAbs;

// truth / predicted chosen so every metric can be worked out by hand (see each CHECK).
static const std::vector<int> kTruth{4, 4, 6, 6, 8};
static const std::vector<int> kPred{4, 6, 6, 6, 4};

TEST_CASE("accuracy and accuracy within ±1 CN match hand counts", "[ml][metrics]") {
  // Exact rationals of 5 rows: 1e-15 absolute covers the one division.
  CHECK_THAT(accuracy(kTruth, kPred), WithinAbs(3.0 / 5.0, 1e-15));          // rows 0, 2, 3
  CHECK_THAT(accuracy_within(kTruth, kPred, 1), WithinAbs(3.0 / 5.0, 1e-15)); // |4-6| = 2, |8-4| = 4 miss
  CHECK_THAT(accuracy_within(kTruth, kPred, 2), WithinAbs(4.0 / 5.0, 1e-15)); // only |8-4| misses
}

TEST_CASE("confusion matrix and macro-F1 match hand counts", "[ml][metrics]") {
  const auto cm = confusion_matrix(kTruth, kPred);
  REQUIRE(cm.classes == std::vector<int>{4, 6, 8});
  CHECK(cm.counts[0] == std::vector<std::size_t>{1, 1, 0});
  CHECK(cm.counts[1] == std::vector<std::size_t>{0, 2, 0});
  CHECK(cm.counts[2] == std::vector<std::size_t>{1, 0, 0});
  // F1(4) = 2*1/(2*1+1+1) = 0.5; F1(6) = 2*2/(2*2+1+0) = 0.8; F1(8) = 0 -> mean 1.3/3.
  CHECK_THAT(macro_f1(kTruth, kPred), WithinAbs(1.3 / 3.0, 1e-15));
}

TEST_CASE("R² is the uniform average over outputs", "[ml][metrics]") {
  TargetMatrix truth(3, 2), pred(3, 2);
  truth << 1, 2, 2, 4, 3, 6;
  pred << 1, 2, 2, 5, 3, 3;
  // Output 0 exact: 1. Output 1: SS_tot = 4+0+4 = 8, SS_res = 0+1+9 = 10 -> 1 - 10/8 = -0.25.
  CHECK_THAT(r2_score(truth, pred), WithinAbs((1.0 - 0.25) / 2.0, 1e-15));
  CHECK_THAT(r2_score(truth, truth), WithinAbs(1.0, 1e-15));
}

TEST_CASE("per-element accuracy", "[ml][metrics]") {
  const auto by = accuracy_by_element({26, 26, 27, 27, 27}, kTruth, kPred);
  REQUIRE(by.size() == 2);
  CHECK(by.at(26).rows == 2);
  CHECK_THAT(by.at(26).accuracy, WithinAbs(0.5, 1e-15));        // rows 0 ok, 1 wrong
  CHECK_THAT(by.at(27).accuracy, WithinAbs(2.0 / 3.0, 1e-15));  // rows 2, 3 ok, 4 wrong
}

TEST_CASE("metrics reject mismatched or empty input", "[ml][metrics]") {
  CHECK_THROWS_AS(accuracy({4, 6}, {4}), xasforge::InputError);
  CHECK_THROWS_AS(accuracy({}, {}), xasforge::InputError);
  CHECK_THROWS_AS(r2_score(TargetMatrix(2, 1), TargetMatrix(3, 1)), xasforge::InputError);
}
