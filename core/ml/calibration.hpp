#pragma once
/// Calibrated class probabilities (docs/ml.md, "Confidence"): temperature scaling of a
/// classifier's probabilities, q_c ∝ (p_c + ε)^(1/T), with T chosen to minimise the negative
/// log-likelihood of held-out rows (Guo et al., "On Calibration of Modern Neural Networks",
/// ICML 2017, section 4.2, applied to log-probabilities because a forest has no logits), the
/// expected calibration error over equal-width confidence bins (Naeini et al., AAAI 2015; Guo et
/// al. eq. 3), the reliability table behind a reliability diagram, and the top two classes with
/// an "unsure" flag.
#include <cstddef>
#include <vector>

#include "core/ml/dataset.hpp"

namespace xasforge::ml {

struct ReliabilityBin {
  double lo = 0.0, hi = 0.0;        ///< confidence range of the bin
  std::size_t count = 0;
  double mean_confidence = 0.0;     ///< mean top probability of its rows (0 when empty)
  double accuracy = 0.0;            ///< fraction of its rows whose top class is right
};

struct Calibration {
  bool fitted = false;
  double temperature = 1.0;
  double epsilon = 1.0e-3;          ///< added to every probability before the power (forest zeros)
  double unsure_below = 0.5;        ///< calibrated top probability under which a prediction is flagged
  std::size_t rows = 0;             ///< held-out rows the temperature was fitted on
  double ece_before = 0.0, ece_after = 0.0;     ///< on those rows (after: T fitted on other folds)
  double nll_before = 0.0, nll_after = 0.0;
  std::vector<ReliabilityBin> reliability_before, reliability_after;
  double accuracy_sure = 0.0, accuracy_unsure = 0.0;  ///< held-out accuracy of the flagged / unflagged rows
  double fraction_unsure = 0.0;

  /// Calibrated probabilities (rows sum to 1). Unfitted: returns p unchanged.
  TargetMatrix apply(const TargetMatrix& p) const;
};

/// q ∝ (p + eps)^(1/T), normalised per row.
TargetMatrix temperature_scale(const TargetMatrix& p, double temperature, double epsilon);
/// Mean −ln q_true; truth holds the column index of each row's class.
double negative_log_likelihood(const TargetMatrix& q, const std::vector<std::size_t>& truth);
/// T in [0.02, 50] minimising the NLL of temperature_scale(p, T, eps) (golden-section search on
/// ln T; the NLL of a tempered log-linear model is convex in 1/T). Deterministic.
double fit_temperature(const TargetMatrix& p, const std::vector<std::size_t>& truth, double epsilon);
/// Equal-width bins of the top probability on [0, 1] (the top bin includes 1).
std::vector<ReliabilityBin> reliability_table(const TargetMatrix& q, const std::vector<std::size_t>& truth,
                                              std::size_t n_bins = 10);
/// Σ_b (n_b/n)·|accuracy_b − confidence_b| over the table's bins.
double expected_calibration_error(const std::vector<ReliabilityBin>& table);

/// Fits the temperature on all rows and measures it honestly: ece_after/nll_after use, for the
/// rows of each fold, a temperature fitted on the other folds (fold_of_row: fold of each row).
Calibration fit_calibration(const TargetMatrix& p, const std::vector<std::size_t>& truth,
                            const std::vector<std::size_t>& fold_of_row, double epsilon = 1.0e-3,
                            double unsure_below = 0.5);

struct TopTwo {
  std::size_t first = 0, second = 0;  ///< column indices
  double p_first = 0.0, p_second = 0.0;
};
/// The two most probable columns of a row (first on ties: the lower index).
TopTwo top_two(const TargetMatrix& q, Eigen::Index row);

}  // namespace xasforge::ml
