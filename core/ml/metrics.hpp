#pragma once
/// Evaluation metrics for coordination-number classification and spectrum regression.
#include <cstddef>
#include <map>
#include <vector>

#include "core/ml/dataset.hpp"

namespace xasforge::ml {

/// Fraction of rows with predicted == truth. Throws InputError on length mismatch or no rows.
double accuracy(const std::vector<int>& truth, const std::vector<int>& predicted);
/// Fraction of rows with |predicted - truth| <= tolerance (class values, e.g. CN within ±1).
double accuracy_within(const std::vector<int>& truth, const std::vector<int>& predicted, int tolerance);
/// Unweighted mean over the classes of per-class F1 (a class with no true and no predicted rows
/// is skipped; one with zero precision and recall counts 0), over classes present in either.
double macro_f1(const std::vector<int>& truth, const std::vector<int>& predicted);

struct ConfusionMatrix {
  std::vector<int> classes;                      // sorted union of true and predicted values
  std::vector<std::vector<std::size_t>> counts;  // [true class][predicted class]
};
ConfusionMatrix confusion_matrix(const std::vector<int>& truth, const std::vector<int>& predicted);

/// Coefficient of determination per output, averaged uniformly over outputs (scikit-learn's
/// "uniform_average"); an output with zero variance scores 1 if predicted exactly, else 0.
double r2_score(const TargetMatrix& truth, const TargetMatrix& predicted);

struct ElementScore {
  std::size_t rows = 0;
  double accuracy = 0.0;
};
/// Accuracy per absorber Z.
std::map<int, ElementScore> accuracy_by_element(const std::vector<int>& element_z, const std::vector<int>& truth,
                                                const std::vector<int>& predicted);

}  // namespace xasforge::ml
