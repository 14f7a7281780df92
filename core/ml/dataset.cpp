#include "core/ml/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.hpp"

namespace xasforge::ml {

void validate(const Dataset& data, std::string_view where) {
  const std::string at(where);
  const auto n = data.rows();
  if (n == 0) throw InputError(at + ": the data set has no rows");
  if (data.n_features() == 0) throw InputError(at + ": the data set has no feature columns");
  if (data.task == Task::kClassification) {
    if (data.labels.size() != n)
      throw InputError(at + ": " + std::to_string(data.labels.size()) + " labels for " + std::to_string(n) +
                       " feature rows; expected one label per row");
    if (distinct_classes(data.labels).size() < 2)
      throw InputError(at + ": all " + std::to_string(n) + " rows have the same class (" +
                       std::to_string(data.labels.front()) + "); a classifier needs at least two classes");
  } else {
    if (static_cast<std::size_t>(data.targets.rows()) != n)
      throw InputError(at + ": " + std::to_string(data.targets.rows()) + " target rows for " + std::to_string(n) +
                       " feature rows; expected one target row per feature row");
    if (data.targets.cols() == 0) throw InputError(at + ": regression targets have no columns");
    for (Eigen::Index i = 0; i < data.targets.rows(); ++i)
      for (Eigen::Index j = 0; j < data.targets.cols(); ++j)
        if (!std::isfinite(data.targets(i, j)))
          throw InputError(at + ": target row " + std::to_string(i) + ", column " + std::to_string(j) +
                           " is not finite (" + std::to_string(data.targets(i, j)) + ")");
  }
  if (!data.element_z.empty() && data.element_z.size() != n)
    throw InputError(at + ": " + std::to_string(data.element_z.size()) + " element tags for " + std::to_string(n) + " rows");
  if (!data.group.empty() && data.group.size() != n)
    throw InputError(at + ": " + std::to_string(data.group.size()) + " group tags for " + std::to_string(n) + " rows");
  if (!data.split.empty() && data.split.size() != n)
    throw InputError(at + ": " + std::to_string(data.split.size()) + " split tags for " + std::to_string(n) + " rows");
  if (!data.feature_grid.empty() && data.feature_grid.size() != data.n_features())
    throw InputError(at + ": feature grid has " + std::to_string(data.feature_grid.size()) + " points but features have " +
                     std::to_string(data.n_features()) + " columns");
  for (Eigen::Index i = 0; i < data.features.rows(); ++i)
    for (Eigen::Index j = 0; j < data.features.cols(); ++j)
      if (!std::isfinite(data.features(i, j))) {
        std::string item = data.item_index.empty() ? "" : " (item " + std::to_string(data.item_index[i]) + ")";
        throw InputError(at + ": feature row " + std::to_string(i) + item + ", column " + std::to_string(j) +
                         " is not finite (" + std::to_string(data.features(i, j)) +
                         "); remove or repair the item before training");
      }
}

void restrict_target_grid(Dataset& data, double lo, double hi, int weight) {
  const std::string at = data.source.empty() ? std::string("data set") : data.source;
  if (data.task != Task::kRegression || data.target_grid.empty())
    throw InputError(at + ": target '" + data.target_name + "' has no grid to restrict (a grid target such as chi is needed)");
  if (data.target_grid.size() != static_cast<std::size_t>(data.targets.cols()))
    throw InputError(at + ": target grid has " + std::to_string(data.target_grid.size()) + " points but targets have " +
                     std::to_string(data.targets.cols()) + " columns");
  if (weight < 0 || weight > 3) throw InputError("target grid weight " + std::to_string(weight) + " is outside 0..3");
  if (!(lo <= hi)) throw InputError("target grid range [" + std::to_string(lo) + ", " + std::to_string(hi) + "] is empty");
  std::vector<Eigen::Index> keep;
  for (std::size_t j = 0; j < data.target_grid.size(); ++j)
    if (data.target_grid[j] >= lo && data.target_grid[j] <= hi) keep.push_back(static_cast<Eigen::Index>(j));
  if (keep.empty())
    throw InputError(at + ": no target grid point lies in [" + std::to_string(lo) + ", " + std::to_string(hi) + "] (grid " +
                     std::to_string(data.target_grid.front()) + " .. " + std::to_string(data.target_grid.back()) + ")");
  TargetMatrix t(data.targets.rows(), static_cast<Eigen::Index>(keep.size()));
  std::vector<double> grid(keep.size());
  for (std::size_t c = 0; c < keep.size(); ++c) {
    const double g = data.target_grid[static_cast<std::size_t>(keep[c])];
    grid[c] = g;
    t.col(static_cast<Eigen::Index>(c)) = data.targets.col(keep[c]) * std::pow(g, weight);
  }
  data.targets = std::move(t);
  data.target_grid = std::move(grid);
  data.target_grid_weight += weight;
}

Dataset select_rows(const Dataset& data, const std::vector<std::size_t>& rows) {
  Dataset out;
  out.task = data.task;
  out.feature_grid = data.feature_grid;
  out.target_grid = data.target_grid;
  out.target_grid_weight = data.target_grid_weight;
  out.feature_name = data.feature_name;
  out.target_name = data.target_name;
  out.source = data.source;
  const auto m = static_cast<Eigen::Index>(rows.size());
  out.features.resize(m, data.features.cols());
  if (data.task == Task::kRegression) out.targets.resize(m, data.targets.cols());
  for (Eigen::Index i = 0; i < m; ++i) {
    const auto r = static_cast<Eigen::Index>(rows[static_cast<std::size_t>(i)]);
    out.features.row(i) = data.features.row(r);
    if (data.task == Task::kRegression) out.targets.row(i) = data.targets.row(r);
  }
  auto pick = [&](const auto& v, auto& dst) {
    if (v.empty()) return;
    dst.reserve(rows.size());
    for (auto r : rows) dst.push_back(v[r]);
  };
  pick(data.labels, out.labels);
  pick(data.element_z, out.element_z);
  pick(data.split, out.split);
  pick(data.item_index, out.item_index);
  pick(data.group, out.group);
  return out;
}

std::vector<std::size_t> all_rows(const Dataset& data) {
  std::vector<std::size_t> r(data.rows());
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = i;
  return r;
}

std::vector<std::size_t> rows_with_element(const Dataset& data, int z) {
  if (data.element_z.empty())
    throw InputError(data.source + ": no element tags (/items/Z) to filter by element Z=" + std::to_string(z));
  std::vector<std::size_t> r;
  for (std::size_t i = 0; i < data.element_z.size(); ++i)
    if (data.element_z[i] == z) r.push_back(i);
  return r;
}

std::vector<std::size_t> rows_in_split(const Dataset& data, int split) {
  if (data.split.empty()) throw InputError(data.source + ": no split tags (/items/split) to filter by split");
  std::vector<std::size_t> r;
  for (std::size_t i = 0; i < data.split.size(); ++i)
    if (data.split[i] == split) r.push_back(i);
  return r;
}

std::vector<int> distinct_classes(const std::vector<int>& labels) {
  std::vector<int> c(labels);
  std::sort(c.begin(), c.end());
  c.erase(std::unique(c.begin(), c.end()), c.end());
  return c;
}

}  // namespace xasforge::ml
