#pragma once
/// Permutation importance (Breiman 2001): the drop in score when one feature column is shuffled.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/ml/dataset.hpp"
#include "core/ml/model.hpp"

namespace xasforge::ml {

struct PermutationImportance {
  double baseline = 0.0;             // primary score (accuracy or R²) on the unshuffled rows
  std::vector<double> mean_drop;     // per feature, averaged over repeats
  std::vector<double> std_drop;
};

/// Column f is shuffled with RandomStream(seed, f * n_repeats + repeat), so results are the same
/// however features are shared out.
PermutationImportance permutation_importance(const Model& model, const Dataset& data, const std::vector<std::size_t>& rows,
                                             std::size_t n_repeats, std::uint64_t seed);

}  // namespace xasforge::ml
