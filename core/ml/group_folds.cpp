#include "core/ml/group_folds.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "core/error.hpp"
#include "core/ml/random_stream.hpp"

namespace xasforge::ml {

std::vector<std::vector<std::size_t>> group_kfold(const std::vector<int>& group, const std::vector<std::size_t>& rows,
                                                  std::size_t k, std::uint64_t seed) {
  if (k < 2) throw InputError("grouped cross-validation needs at least 2 folds");
  std::map<int, std::vector<std::size_t>> by_group;
  for (std::size_t r : rows) by_group[group.at(r)].push_back(r);
  if (by_group.size() < k)
    throw InputError("grouped cross-validation: " + std::to_string(by_group.size()) + " structures for " + std::to_string(k) + " folds");
  std::vector<int> ids;
  for (const auto& [g, v] : by_group) ids.push_back(g);
  RandomStream rng(seed, 0x67726f7570ULL);  // Fisher–Yates with the project's stream
  for (std::size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[rng.uniform_index(i)]);
  std::vector<std::vector<std::size_t>> folds(k);
  for (int g : ids) {
    std::size_t f = 0;
    for (std::size_t j = 1; j < k; ++j)
      if (folds[j].size() < folds[f].size()) f = j;
    folds[f].insert(folds[f].end(), by_group[g].begin(), by_group[g].end());
  }
  for (auto& f : folds) std::sort(f.begin(), f.end());
  return folds;
}

}  // namespace xasforge::ml
