#include "core/ml/permutation_importance.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/ml/random_stream.hpp"

namespace xasforge::ml {

PermutationImportance permutation_importance(const Model& model, const Dataset& data, const std::vector<std::size_t>& rows,
                                             std::size_t n_repeats, std::uint64_t seed) {
  if (n_repeats == 0) throw InputError("permutation importance: repeats must be at least 1");
  const Dataset subset = select_rows(data, rows);
  const auto local = all_rows(subset);
  PermutationImportance out;
  out.baseline = evaluate(model, subset, local).primary(data.task);
  const std::size_t p = subset.n_features();
  out.mean_drop.assign(p, 0.0);
  out.std_drop.assign(p, 0.0);
  Dataset shuffled = subset;
  const std::size_t n = subset.rows();
  for (std::size_t f = 0; f < p; ++f) {
    const auto col = static_cast<Eigen::Index>(f);
    std::vector<double> drops;
    for (std::size_t rep = 0; rep < n_repeats; ++rep) {
      RandomStream random(seed, f * n_repeats + rep);
      std::vector<std::size_t> perm(n);
      for (std::size_t i = 0; i < n; ++i) perm[i] = i;
      for (std::size_t i = n; i > 1; --i) std::swap(perm[i - 1], perm[random.uniform_index(i)]);
      for (std::size_t i = 0; i < n; ++i)
        shuffled.features(static_cast<Eigen::Index>(i), col) = subset.features(static_cast<Eigen::Index>(perm[i]), col);
      drops.push_back(out.baseline - evaluate(model, shuffled, local).primary(data.task));
    }
    shuffled.features.col(col) = subset.features.col(col);
    double mean = 0.0;
    for (double d : drops) mean += d;
    mean /= static_cast<double>(drops.size());
    double var = 0.0;
    for (double d : drops) var += (d - mean) * (d - mean);
    out.mean_drop[f] = mean;
    out.std_drop[f] = std::sqrt(var / static_cast<double>(drops.size()));
  }
  return out;
}

}  // namespace xasforge::ml
