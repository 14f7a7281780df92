#include "core/ml/calibration.hpp"

#include <stdexcept>
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace xasforge::ml {

TargetMatrix temperature_scale(const TargetMatrix& p, double temperature, double epsilon) {
  TargetMatrix q(p.rows(), p.cols());
  for (Eigen::Index i = 0; i < p.rows(); ++i) {
    // Work with logs and subtract the row maximum so that small T cannot overflow.
    double top = -std::numeric_limits<double>::infinity();
    for (Eigen::Index c = 0; c < p.cols(); ++c) {
      q(i, c) = std::log(std::max(p(i, c), 0.0) + epsilon) / temperature;
      top = std::max(top, q(i, c));
    }
    double sum = 0.0;
    for (Eigen::Index c = 0; c < p.cols(); ++c) {
      q(i, c) = std::exp(q(i, c) - top);
      sum += q(i, c);
    }
    for (Eigen::Index c = 0; c < p.cols(); ++c) q(i, c) /= sum;
  }
  return q;
}

double negative_log_likelihood(const TargetMatrix& q, const std::vector<std::size_t>& truth) {
  if (truth.size() != static_cast<std::size_t>(q.rows()) || truth.empty())
    throw std::logic_error("calibration: " + std::to_string(truth.size()) + " labels for " + std::to_string(q.rows()) + " rows");
  double s = 0.0;
  for (std::size_t i = 0; i < truth.size(); ++i)
    s -= std::log(std::max(q(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(truth[i])), 1e-300));
  return s / static_cast<double>(truth.size());
}

double fit_temperature(const TargetMatrix& p, const std::vector<std::size_t>& truth, double epsilon) {
  auto f = [&](double log_t) { return negative_log_likelihood(temperature_scale(p, std::exp(log_t), epsilon), truth); };
  double a = std::log(0.02), b = std::log(50.0);
  const double g = 0.5 * (std::sqrt(5.0) - 1.0);
  double c = b - g * (b - a), d = a + g * (b - a);
  double fc = f(c), fd = f(d);
  for (int it = 0; it < 80 && b - a > 1e-6; ++it) {
    if (fc <= fd) {
      b = d, d = c, fd = fc;
      c = b - g * (b - a), fc = f(c);
    } else {
      a = c, c = d, fc = fd;
      d = a + g * (b - a), fd = f(d);
    }
  }
  return std::exp(0.5 * (a + b));
}

TopTwo top_two(const TargetMatrix& q, Eigen::Index row) {
  TopTwo t;
  t.p_first = -1.0, t.p_second = -1.0;
  for (Eigen::Index c = 0; c < q.cols(); ++c) {
    const double v = q(row, c);
    if (v > t.p_first) {
      t.second = t.first, t.p_second = t.p_first;
      t.first = static_cast<std::size_t>(c), t.p_first = v;
    } else if (v > t.p_second) {
      t.second = static_cast<std::size_t>(c), t.p_second = v;
    }
  }
  if (q.cols() < 2) t.second = t.first, t.p_second = 0.0;
  return t;
}

std::vector<ReliabilityBin> reliability_table(const TargetMatrix& q, const std::vector<std::size_t>& truth,
                                              std::size_t n_bins) {
  std::vector<ReliabilityBin> bins(n_bins);
  for (std::size_t b = 0; b < n_bins; ++b) {
    bins[b].lo = static_cast<double>(b) / static_cast<double>(n_bins);
    bins[b].hi = static_cast<double>(b + 1) / static_cast<double>(n_bins);
  }
  std::vector<double> conf(n_bins, 0.0), right(n_bins, 0.0);
  for (Eigen::Index i = 0; i < q.rows(); ++i) {
    const TopTwo t = top_two(q, i);
    const auto b = std::min(n_bins - 1, static_cast<std::size_t>(t.p_first * static_cast<double>(n_bins)));
    ++bins[b].count;
    conf[b] += t.p_first;
    right[b] += t.first == truth[static_cast<std::size_t>(i)] ? 1.0 : 0.0;
  }
  for (std::size_t b = 0; b < n_bins; ++b)
    if (bins[b].count > 0) {
      bins[b].mean_confidence = conf[b] / static_cast<double>(bins[b].count);
      bins[b].accuracy = right[b] / static_cast<double>(bins[b].count);
    }
  return bins;
}

double expected_calibration_error(const std::vector<ReliabilityBin>& table) {
  std::size_t n = 0;
  for (const auto& b : table) n += b.count;
  if (n == 0) return 0.0;
  double e = 0.0;
  for (const auto& b : table) e += static_cast<double>(b.count) * std::abs(b.accuracy - b.mean_confidence);
  return e / static_cast<double>(n);
}

TargetMatrix Calibration::apply(const TargetMatrix& p) const {
  return fitted ? temperature_scale(p, temperature, epsilon) : p;
}

Calibration fit_calibration(const TargetMatrix& p, const std::vector<std::size_t>& truth,
                            const std::vector<std::size_t>& fold_of_row, double epsilon, double unsure_below) {
  if (fold_of_row.size() != truth.size()) throw std::logic_error("calibration: one fold per row is needed");
  Calibration cal;
  cal.epsilon = epsilon;
  cal.unsure_below = unsure_below;
  cal.rows = truth.size();
  // "Before": the raw probabilities (the ε-smoothing alone at T = 1 changes them by < 1e-3).
  cal.reliability_before = reliability_table(p, truth);
  cal.ece_before = expected_calibration_error(cal.reliability_before);
  cal.nll_before = negative_log_likelihood(temperature_scale(p, 1.0, epsilon), truth);
  cal.temperature = fit_temperature(p, truth, epsilon);
  cal.fitted = true;
  // "After", honestly: each fold's rows scaled with a temperature fitted on the other folds.
  std::size_t n_folds = 0;
  for (auto f : fold_of_row) n_folds = std::max(n_folds, f + 1);
  TargetMatrix q(p.rows(), p.cols());
  for (std::size_t f = 0; f < n_folds; ++f) {
    std::vector<Eigen::Index> in, out;
    for (std::size_t i = 0; i < truth.size(); ++i) (fold_of_row[i] == f ? in : out).push_back(static_cast<Eigen::Index>(i));
    if (in.empty()) continue;
    double t = cal.temperature;
    if (!out.empty() && n_folds > 1) {
      TargetMatrix po(static_cast<Eigen::Index>(out.size()), p.cols());
      std::vector<std::size_t> to;
      for (std::size_t r = 0; r < out.size(); ++r) {
        po.row(static_cast<Eigen::Index>(r)) = p.row(out[r]);
        to.push_back(truth[static_cast<std::size_t>(out[r])]);
      }
      t = fit_temperature(po, to, epsilon);
    }
    TargetMatrix pi(static_cast<Eigen::Index>(in.size()), p.cols());
    for (std::size_t r = 0; r < in.size(); ++r) pi.row(static_cast<Eigen::Index>(r)) = p.row(in[r]);
    const TargetMatrix qi = temperature_scale(pi, t, epsilon);
    for (std::size_t r = 0; r < in.size(); ++r) q.row(in[r]) = qi.row(static_cast<Eigen::Index>(r));
  }
  cal.reliability_after = reliability_table(q, truth);
  cal.ece_after = expected_calibration_error(cal.reliability_after);
  cal.nll_after = negative_log_likelihood(q, truth);
  std::size_t n_unsure = 0, right_unsure = 0, right_sure = 0;
  for (Eigen::Index i = 0; i < q.rows(); ++i) {
    const TopTwo t = top_two(q, i);
    const bool right = t.first == truth[static_cast<std::size_t>(i)];
    if (t.p_first < unsure_below) {
      ++n_unsure;
      right_unsure += right;
    } else {
      right_sure += right;
    }
  }
  const std::size_t n = truth.size();
  cal.fraction_unsure = static_cast<double>(n_unsure) / static_cast<double>(n);
  cal.accuracy_unsure = n_unsure ? static_cast<double>(right_unsure) / static_cast<double>(n_unsure) : 0.0;
  cal.accuracy_sure = n > n_unsure ? static_cast<double>(right_sure) / static_cast<double>(n - n_unsure) : 0.0;
  return cal;
}

}  // namespace xasforge::ml
