#pragma once
/// k-fold splits that keep groups together (every site of one structure in one fold), so that
/// cross-validation does not score a structure's sites with a model trained on its twins.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace xasforge::ml {

/// Test rows of each of k folds over `rows` (group[r]: the group of row r). Groups are shuffled
/// with RandomStream(seed, "group") and each goes to the fold with the fewest rows so far (ties:
/// the lowest fold); rows inside a fold are sorted. Throws InputError for k < 2 or fewer groups
/// than folds.
std::vector<std::vector<std::size_t>> group_kfold(const std::vector<int>& group, const std::vector<std::size_t>& rows,
                                                  std::size_t k, std::uint64_t seed);

}  // namespace xasforge::ml
