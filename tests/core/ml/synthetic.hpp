#pragma once
// Seeded synthetic data sets with known structure for the learning tests.
#include <cmath>
#include <cstdint>

#include "core/ml/dataset.hpp"
#include "core/ml/random_stream.hpp"

namespace xasforge::test {

/// Classes 4, 6, 8 decided by x0 + x1 thresholds (x0, x1 uniform in [0, 1]); columns 2.. are
/// noise. Every 4th row is tagged test. Elements alternate 26/27.
inline ml::Dataset three_class_problem(std::size_t n, std::size_t n_noise, std::uint64_t seed) {
  ml::RandomStream r(seed, 7);
  ml::Dataset d;
  d.task = ml::Task::kClassification;
  d.features.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(2 + n_noise));
  for (std::size_t i = 0; i < n; ++i) {
    const auto row = static_cast<Eigen::Index>(i);
    for (Eigen::Index j = 0; j < d.features.cols(); ++j) d.features(row, j) = r.uniform01();
    const double s = d.features(row, 0) + d.features(row, 1);
    d.labels.push_back(s < 0.8 ? 4 : (s < 1.3 ? 6 : 8));
    d.split.push_back(i % 4 == 3 ? ml::kSplitTest : ml::kSplitTrain);
    d.element_z.push_back(i % 2 == 0 ? 26 : 27);
  }
  d.source = "three_class_problem";
  d.feature_name = "/features/synthetic";
  d.target_name = "cn";
  return d;
}

/// Two smooth outputs of x0..x2 (uniform in [0, 1]); other columns noise. Every 4th row is test.
inline ml::Dataset two_output_regression(std::size_t n, std::size_t n_noise, std::uint64_t seed) {
  ml::RandomStream r(seed, 11);
  ml::Dataset d;
  d.task = ml::Task::kRegression;
  d.features.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(3 + n_noise));
  d.targets.resize(static_cast<Eigen::Index>(n), 2);
  for (std::size_t i = 0; i < n; ++i) {
    const auto row = static_cast<Eigen::Index>(i);
    for (Eigen::Index j = 0; j < d.features.cols(); ++j) d.features(row, j) = r.uniform01();
    const double x0 = d.features(row, 0), x1 = d.features(row, 1), x2 = d.features(row, 2);
    d.targets(row, 0) = 3.0 * x0 + 2.0 * x1 * x1;
    d.targets(row, 1) = std::sin(6.0 * x2) + x0;
    d.split.push_back(i % 4 == 3 ? ml::kSplitTest : ml::kSplitTrain);
  }
  d.source = "two_output_regression";
  d.target_name = "chi";
  return d;
}

}  // namespace xasforge::test
