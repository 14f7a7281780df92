#include "core/ml/metrics.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "core/error.hpp"

namespace xasforge::ml {
namespace {

void check_sizes(std::size_t a, std::size_t b, const char* what) {
  if (a != b)
    throw InputError(std::string(what) + ": " + std::to_string(a) + " true values but " + std::to_string(b) + " predictions");
  if (a == 0) throw InputError(std::string(what) + ": no rows to score");
}

}  // namespace

double accuracy(const std::vector<int>& truth, const std::vector<int>& predicted) {
  return accuracy_within(truth, predicted, 0);
}

double accuracy_within(const std::vector<int>& truth, const std::vector<int>& predicted, int tolerance) {
  check_sizes(truth.size(), predicted.size(), "accuracy");
  std::size_t ok = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) ok += std::abs(truth[i] - predicted[i]) <= tolerance ? 1 : 0;
  return static_cast<double>(ok) / static_cast<double>(truth.size());
}

ConfusionMatrix confusion_matrix(const std::vector<int>& truth, const std::vector<int>& predicted) {
  check_sizes(truth.size(), predicted.size(), "confusion matrix");
  ConfusionMatrix m;
  m.classes = truth;
  m.classes.insert(m.classes.end(), predicted.begin(), predicted.end());
  m.classes = distinct_classes(m.classes);
  m.counts.assign(m.classes.size(), std::vector<std::size_t>(m.classes.size(), 0));
  auto at = [&](int c) { return static_cast<std::size_t>(std::lower_bound(m.classes.begin(), m.classes.end(), c) - m.classes.begin()); };
  for (std::size_t i = 0; i < truth.size(); ++i) ++m.counts[at(truth[i])][at(predicted[i])];
  return m;
}

double macro_f1(const std::vector<int>& truth, const std::vector<int>& predicted) {
  const ConfusionMatrix m = confusion_matrix(truth, predicted);
  const std::size_t k = m.classes.size();
  double sum = 0.0;
  for (std::size_t c = 0; c < k; ++c) {
    std::size_t tp = m.counts[c][c], fp = 0, fn = 0;
    for (std::size_t o = 0; o < k; ++o) {
      if (o == c) continue;
      fp += m.counts[o][c];
      fn += m.counts[c][o];
    }
    const double denom = 2.0 * static_cast<double>(tp) + static_cast<double>(fp + fn);
    sum += denom > 0.0 ? 2.0 * static_cast<double>(tp) / denom : 0.0;
  }
  return sum / static_cast<double>(k);
}

double r2_score(const TargetMatrix& truth, const TargetMatrix& predicted) {
  if (truth.rows() != predicted.rows() || truth.cols() != predicted.cols())
    throw InputError("r2: truth is " + std::to_string(truth.rows()) + "×" + std::to_string(truth.cols()) +
                     " but predictions are " + std::to_string(predicted.rows()) + "×" + std::to_string(predicted.cols()));
  if (truth.rows() == 0 || truth.cols() == 0) throw InputError("r2: no rows to score");
  double sum = 0.0;
  for (Eigen::Index j = 0; j < truth.cols(); ++j) {
    const double mean = truth.col(j).mean();
    const double ss_tot = (truth.col(j).array() - mean).square().sum();
    const double ss_res = (truth.col(j) - predicted.col(j)).squaredNorm();
    if (ss_tot > 0.0) sum += 1.0 - ss_res / ss_tot;
    else sum += ss_res == 0.0 ? 1.0 : 0.0;
  }
  return sum / static_cast<double>(truth.cols());
}

std::map<int, ElementScore> accuracy_by_element(const std::vector<int>& element_z, const std::vector<int>& truth,
                                                const std::vector<int>& predicted) {
  check_sizes(truth.size(), predicted.size(), "per-element accuracy");
  check_sizes(element_z.size(), truth.size(), "per-element accuracy (element tags)");
  std::map<int, ElementScore> out;
  std::map<int, std::size_t> ok;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    ++out[element_z[i]].rows;
    ok[element_z[i]] += truth[i] == predicted[i] ? 1 : 0;
  }
  for (auto& [z, s] : out) s.accuracy = static_cast<double>(ok[z]) / static_cast<double>(s.rows);
  return out;
}

}  // namespace xasforge::ml
