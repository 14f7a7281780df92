// Learning for measured spectra: seeded augmentation of chi(k) (analytic checks of each effect),
// temperature scaling and the expected calibration error (hand-computed cases and recovery of a
// known temperature), and the model file's version-2 keys.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/ml/augmentation.hpp"
#include "core/ml/calibration.hpp"
#include "core/ml/cross_validation.hpp"
#include "core/ml/model_file.hpp"
#include "core/ml/random_stream.hpp"
#include "synthetic.hpp"
#include "tests/test_paths.hpp"

using namespace xasforge::ml;
using Catch::Matchers::Contains;

namespace {
std::vector<double> k_grid() {  // FEFF's / the campaign's shared grid: 0, 0.05, ... 20 Å⁻¹
  std::vector<double> k;
  for (int i = 0; i <= 400; ++i) k.push_back(0.05 * i);
  return k;
}
std::vector<double> shell(const std::vector<double>& k, double r) {  // a single-shell-like chi
  std::vector<double> c;
  for (double x : k) c.push_back(std::sin(2.0 * x * r) * std::exp(-0.01 * x * x) / std::max(x, 0.5));
  return c;
}
}  // namespace

TEST_CASE("augmentation: each effect as its formula says", "[ml][augmentation]") {
  const auto k = k_grid();
  const auto chi = shell(k, 2.0);
  AugmentationOptions o;
  o.copies = 1;
  AugmentationDraw d;  // identity draw
  d.noise = 0.0;
  SECTION("identity, S0² and σ² are exact multiplications") {
    CHECK(augment_chi(k, chi, d, o, 7, 0) == chi);
    d.s02 = 0.8;
    d.sigma2_A2 = 0.003;
    const auto out = augment_chi(k, chi, d, o, 7, 0);
    for (std::size_t i = 0; i < k.size(); ++i)
      CHECK(out[i] == Approx(chi[i] * 0.8 * std::exp(-2.0 * 0.003 * k[i] * k[i])).epsilon(1e-14));
  }
  SECTION("ΔE0 moves the spectrum along k as k'² = k² + 0.2625·ΔE0") {
    d.e0_shift_eV = 6.0;
    const auto out = augment_chi(k, chi, d, o, 7, 0);
    double worst = 0.0;
    for (std::size_t i = 40; i < 300; ++i) {  // k 2–15 Å⁻¹
      const double kp = std::sqrt(k[i] * k[i] + 0.2624682843 * 6.0);
      const double exact = std::sin(4.0 * kp) * std::exp(-0.01 * kp * kp) / kp;
      worst = std::max(worst, std::abs(out[i] - exact));
    }
    // Linear interpolation on a 0.05 Å⁻¹ grid: error ≤ h²/8·max|chi''| ≈ 0.0025/8 · 16 / 2 = 0.0025.
    CHECK(worst < 0.0025);
  }
  SECTION("the data end at kmax; the simulated range's NaN tail stays NaN") {
    auto tail = chi;
    for (std::size_t i = 380; i < tail.size(); ++i) tail[i] = std::nan("");
    d.kmax_invA = 11.0;
    const auto out = augment_chi(k, tail, d, o, 7, 0);
    for (std::size_t i = 0; i < 380; ++i)
      if (k[i] > 11.0) CHECK(out[i] == 0.0);
    CHECK(out[219] == chi[219]);  // k = 10.95
    CHECK(std::isnan(out[390]));
  }
  SECTION("noise: rms grows ∝ k, its level as drawn") {
    const std::vector<double> zero(k.size(), 0.0);
    d.noise = 0.002;
    double sum2 = 0.0;
    std::size_t n = 0;
    for (std::uint64_t item = 0; item < 20; ++item) {
      const auto out = augment_chi(k, zero, d, o, item, 0);
      for (std::size_t i = 20; i < k.size(); ++i, ++n) sum2 += std::pow(out[i] / (k[i] / 10.0), 2);
    }
    // 7,620 unit-variance draws: the sample rms is within 3 % of 1 at > 5 sigma (sd 0.8 %).
    CHECK(std::sqrt(sum2 / static_cast<double>(n)) / 0.002 == Approx(1.0).margin(0.03));
  }
}

TEST_CASE("augmentation draws: seeded per (item, copy), inside the ranges", "[ml][augmentation]") {
  AugmentationOptions o;
  o.copies = 4;
  o.seed = 11;
  const AugmentationDraw a = draw_augmentation(o, 123, 2), b = draw_augmentation(o, 123, 2), c = draw_augmentation(o, 123, 3);
  CHECK(a.s02 == b.s02);
  CHECK(a.noise == b.noise);
  CHECK(a.s02 != c.s02);
  double mean_s02 = 0.0;
  for (std::uint64_t item = 0; item < 2000; ++item) {
    const AugmentationDraw d = draw_augmentation(o, item, 0);
    CHECK((d.s02 >= 0.7 && d.s02 <= 1.0));
    CHECK(std::abs(d.e0_shift_eV) <= 5.0);
    CHECK((d.sigma2_A2 >= -0.001 && d.sigma2_A2 <= 0.005));
    CHECK((d.noise >= 3e-4 && d.noise <= 3e-3));
    CHECK((d.kmax_invA >= 10.0 && d.kmax_invA <= 14.0));
    mean_s02 += d.s02 / 2000.0;
  }
  // Uniform on [0.7, 1]: mean 0.85, sd of the mean 0.087/√2000 = 0.002; 4 sd.
  CHECK(mean_s02 == Approx(0.85).margin(0.008));
  // Noise at the same (item, copy) is the same sequence: the whole copy is reproducible.
  const auto k = k_grid();
  const std::vector<double> zero(k.size(), 0.0);
  CHECK(augment_chi(k, zero, a, o, 123, 2) == augment_chi(k, zero, b, o, 123, 2));
  AugmentationOptions bad = o;
  bad.s02_min = 1.2;
  CHECK_THROWS_WITH(bad.validate(), Contains("s02"));
  bad = o;
  bad.kmax_min_invA = 15;
  CHECK_THROWS_WITH(bad.validate(), Contains("kmax"));
}

TEST_CASE("expected calibration error and reliability bins by hand", "[ml][calibration]") {
  TargetMatrix q(4, 2);
  q << 0.95, 0.05,  // bin 9, right
      0.92, 0.08,   // bin 9, wrong
      0.35, 0.65,   // bin 6, right
      0.6, 0.4;     // bin 6, right
  const std::vector<std::size_t> truth{0, 1, 1, 0};
  const auto bins = reliability_table(q, truth, 10);
  CHECK(bins[9].count == 2);
  CHECK(bins[9].accuracy == 0.5);
  CHECK(bins[9].mean_confidence == Approx(0.935));
  CHECK(bins[6].count == 2);
  CHECK(bins[6].accuracy == 1.0);
  // ECE = 2/4·|0.5 − 0.935| + 2/4·|1 − 0.625| = 0.2175 + 0.1875
  CHECK(expected_calibration_error(bins) == Approx(0.405).epsilon(1e-12));
  const TopTwo t = top_two(q, 2);
  CHECK(t.first == 1);
  CHECK(t.second == 0);
  CHECK(t.p_second == 0.35);
  // T = 1 and a tiny ε give back the probabilities.
  const TargetMatrix same = temperature_scale(q, 1.0, 1e-15);
  CHECK((same - q).cwiseAbs().maxCoeff() < 1e-12);
  CHECK_THROWS_AS(negative_log_likelihood(q, {0, 1}), std::logic_error);  // a caller bug, not user input
}

TEST_CASE("temperature scaling recovers a known over-confidence", "[ml][calibration]") {
  // True class probabilities from random logits; labels drawn from them; the "model" reports
  // the probabilities sharpened by the power 3 (over-confident), so T = 3 undoes it exactly.
  const std::size_t n = 6000, c = 4;
  RandomStream rng(5, 0);
  TargetMatrix p(n, c);
  std::vector<std::size_t> truth(n), fold(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<double> q(c);
    double s = 0.0;
    for (auto& v : q) s += (v = std::exp(1.5 * rng.normal()));
    for (auto& v : q) v /= s;
    double u = rng.uniform01(), acc = 0.0;
    truth[i] = c - 1;
    for (std::size_t j = 0; j < c; ++j)
      if (u < (acc += q[j])) {
        truth[i] = j;
        break;
      }
    double s3 = 0.0;
    for (std::size_t j = 0; j < c; ++j) s3 += std::pow(q[j], 3.0);
    for (std::size_t j = 0; j < c; ++j) p(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = std::pow(q[j], 3.0) / s3;
    fold[i] = i % 5;
  }
  // ε = 1e-9 (no forest zeros here). With 6,000 rows the NLL minimum is within ~5 % of 3.
  CHECK(fit_temperature(p, truth, 1e-9) == Approx(3.0).epsilon(0.08));
  const Calibration cal = fit_calibration(p, truth, fold, 1e-9, 0.5);
  CHECK(cal.fitted);
  CHECK(cal.ece_before > 0.05);              // sharpened: clearly over-confident
  CHECK(cal.ece_after < 0.5 * cal.ece_before);
  CHECK(cal.nll_after < cal.nll_before);
  CHECK(cal.rows == n);
  CHECK(cal.accuracy_sure > cal.accuracy_unsure);  // the flag separates likely from unlikely
  // Applying keeps the argmax (a monotone map per row) and makes rows sum to 1.
  const TargetMatrix q = cal.apply(p);
  for (Eigen::Index i = 0; i < 50; ++i) {
    CHECK(top_two(q, i).first == top_two(p, i).first);
    CHECK(q.row(i).sum() == Approx(1.0).epsilon(1e-12));
  }
}

TEST_CASE("model file v2: calibration, reduction and augmentation keys round-trip", "[ml][model_file][calibration]") {
  const auto d = xasforge::test::three_class_problem(300, 2, 3);
  TrainingOptions o;
  o.forest.n_trees = 5;
  Model m = train_model(d, rows_in_split(d, kSplitTrain), o);
  {  // Without the keys (as a version-1 file has them): not calibrated, reduction unknown.
    const Model back = model_from_bytes(model_to_bytes(m), "plain");
    CHECK_FALSE(back.calibration.fitted);
    CHECK_FALSE(back.reduction.known);
    const TargetMatrix p = back.predict_values(d.features.topRows(3));
    CHECK((back.calibration.apply(p).array() == p.array()).all());
  }
  m.calibration.fitted = true;
  m.calibration.temperature = 1.7;
  m.calibration.unsure_below = 0.55;
  m.calibration.ece_before = 0.12;
  m.calibration.ece_after = 0.03;
  m.calibration.reliability_after = {ReliabilityBin{0.9, 1.0, 3, 0.95, 0.66}};
  m.reduction.known = true;
  m.reduction.kmin_invA = 2.5;
  m.reduction.window = "kaiser";
  m.augmentation = "copies=4";
  const std::string bytes = model_to_bytes(m);
  const Model back = model_from_bytes(bytes, "v2");
  CHECK(back.calibration.fitted);
  CHECK(back.calibration.temperature == 1.7);
  CHECK(back.calibration.unsure_below == 0.55);
  CHECK(back.calibration.ece_after == 0.03);
  REQUIRE(back.calibration.reliability_after.size() == 1);
  CHECK(back.calibration.reliability_after[0].accuracy == 0.66);
  CHECK(back.reduction.known);
  CHECK(back.reduction.kmin_invA == 2.5);
  CHECK(back.reduction.window == "kaiser");
  CHECK(back.augmentation == "copies=4");
  auto j = nlohmann::json::from_cbor(bytes);
  CHECK(j.at("version") == 2);
  j["calibration"]["temperature"] = -1.0;
  const auto cbor = nlohmann::json::to_cbor(j);
  CHECK_THROWS_WITH(model_from_bytes(std::string(cbor.begin(), cbor.end()), "bad.xfm"), Contains("bad.xfm") && Contains("temperature"));
  j["version"] = 3;
  const auto newer = nlohmann::json::to_cbor(j);
  CHECK_THROWS_WITH(model_from_bytes(std::string(newer.begin(), newer.end()), "new.xfm"), Contains("version 3"));
}

TEST_CASE("grouped folds: every group in one fold, every row once, balanced, seeded", "[ml][cv][group]") {
  // 40 groups of 1–5 rows (sites of one structure), listed rows in a shuffled-looking order.
  std::vector<int> group;
  for (int g = 0; g < 40; ++g)
    for (int j = 0; j < 1 + g % 5; ++j) group.push_back(g);
  std::vector<std::size_t> rows(group.size());
  std::iota(rows.begin(), rows.end(), 0);
  // Labels that differ between structures, so the split is also stratified (the measured
  // training's call: grouped_kfold_splits(structure per row, label per row, ...)).
  std::vector<int> labels;
  for (int g : group) labels.push_back(4 + 2 * (g % 3));
  const auto folds = grouped_kfold_splits(group, labels, rows, 5, 9);
  REQUIRE(folds.size() == 5);
  std::vector<int> fold_of_group(40, -1);
  std::size_t total = 0, smallest = rows.size(), largest = 0;
  for (std::size_t f = 0; f < folds.size(); ++f) {
    total += folds[f].size();
    smallest = std::min(smallest, folds[f].size());
    largest = std::max(largest, folds[f].size());
    CHECK(std::is_sorted(folds[f].begin(), folds[f].end()));
    for (std::size_t r : folds[f]) {
      const int g = group[r];
      CHECK((fold_of_group[g] == -1 || fold_of_group[g] == static_cast<int>(f)));  // never split
      fold_of_group[g] = static_cast<int>(f);
    }
  }
  CHECK(total == rows.size());  // a partition: 120 rows, each once
  // Largest groups first, each to the fold that keeps the per-class counts nearest an even
  // share: with groups of at most 5 rows the folds end within 2 groups (10 rows) of each other.
  CHECK(largest - smallest <= 10);
  for (int c : {4, 6, 8}) {  // stratified: each class within one group (5 rows) of its even share
    std::size_t all_c = 0;
    for (int l : labels) all_c += l == c;
    for (const auto& f : folds) {
      std::size_t n = 0;
      for (std::size_t r : f) n += labels[r] == c;
      CHECK(std::abs(static_cast<double>(n) - static_cast<double>(all_c) / 5.0) <= 5.0);
    }
  }
  CHECK(grouped_kfold_splits(group, labels, rows, 5, 9) == folds);
  CHECK(grouped_kfold_splits(group, labels, rows, 5, 10) != folds);
  // The Dataset form (train --cv K --cv-groups structure) gives the same split.
  Dataset d;
  d.task = Task::kClassification;
  d.features = FeatureMatrix::Zero(static_cast<Eigen::Index>(rows.size()), 1);
  d.labels = labels;
  d.group = group;
  CHECK(grouped_kfold_splits(d, rows, 5, 9) == folds);
  CHECK(kfold_splits(d, rows, 5, 9) == folds);
  CHECK_THROWS_WITH(grouped_kfold_splits(group, labels, rows, 1, 9), Contains("at least 2 folds"));
  CHECK_THROWS_WITH(grouped_kfold_splits(std::vector<int>{0, 0, 1}, {}, {0, 1, 2}, 3, 9), Contains("2 groups cannot make 3 grouped folds"));
  CHECK_THROWS_AS(grouped_kfold_splits(std::vector<int>{0, 1}, {}, {0, 1, 2}, 2, 9), std::out_of_range);
}
