#include "core/ml/cross_validation.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <stdexcept>

#include "core/error.hpp"
#include "core/ml/random_stream.hpp"

namespace xasforge::ml {

std::vector<std::vector<std::size_t>> kfold_splits(const Dataset& data, const std::vector<std::size_t>& rows, std::size_t k,
                                                   std::uint64_t seed) {
  if (k < 2) throw InputError("cross-validation: need at least 2 folds, got " + std::to_string(k));
  if (rows.size() < k)
    throw InputError("cross-validation: " + std::to_string(rows.size()) + " rows cannot make " + std::to_string(k) + " folds");
  if (!data.group.empty()) return grouped_kfold_splits(data, rows, k, seed);
  std::vector<std::vector<std::size_t>> groups;
  if (data.task == Task::kClassification) {
    std::map<int, std::vector<std::size_t>> by_class;
    for (auto r : rows) by_class[data.labels[r]].push_back(r);
    for (auto& [c, g] : by_class) groups.push_back(std::move(g));
  } else {
    groups.push_back(rows);
  }
  RandomStream random(seed, 0x6b666f6c64ULL);  // "kfold"
  std::vector<std::vector<std::size_t>> folds(k);
  std::size_t next = 0;
  for (auto& g : groups) {
    for (std::size_t i = g.size(); i > 1; --i) std::swap(g[i - 1], g[random.uniform_index(i)]);
    for (auto r : g) {
      folds[next].push_back(r);
      next = (next + 1) % k;
    }
  }
  for (auto& f : folds) std::sort(f.begin(), f.end());
  return folds;
}

std::vector<std::vector<std::size_t>> grouped_kfold_splits(const std::vector<int>& group, const std::vector<int>& labels,
                                                           const std::vector<std::size_t>& rows, std::size_t k,
                                                           std::uint64_t seed) {
  if (k < 2) throw InputError("cross-validation: need at least 2 folds, got " + std::to_string(k));
  std::map<int, std::vector<std::size_t>> by_group;
  for (auto r : rows) {
    if (r >= group.size() || (!labels.empty() && r >= labels.size()))
      throw std::out_of_range("grouped_kfold_splits: row " + std::to_string(r) + " has no group or label");
    by_group[group[r]].push_back(r);
  }
  if (by_group.size() < k)
    throw InputError("cross-validation: " + std::to_string(by_group.size()) + " groups cannot make " + std::to_string(k) + " grouped folds");
  std::vector<std::vector<std::size_t>> groups;
  for (auto& [g, members] : by_group) groups.push_back(std::move(members));
  RandomStream random(seed, 0x67726f7570ULL);  // "group"
  for (std::size_t i = groups.size(); i > 1; --i) std::swap(groups[i - 1], groups[random.uniform_index(i)]);
  std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  // Class index of each row (no labels, i.e. regression: one class, so only the fold sizes are balanced).
  const bool stratify = !labels.empty();
  std::map<int, std::size_t> class_of;
  if (stratify)
    for (auto r : rows) class_of.emplace(labels[r], class_of.size());
  const std::size_t n_classes = std::max<std::size_t>(1, class_of.size());
  auto cls = [&](std::size_t r) { return stratify ? class_of.at(labels[r]) : 0; };
  std::vector<double> share(n_classes, 0.0);
  for (auto r : rows) share[cls(r)] += 1.0 / static_cast<double>(k);
  std::vector<std::vector<double>> counts(k, std::vector<double>(n_classes, 0.0));
  std::vector<std::vector<std::size_t>> folds(k);
  std::vector<double> add(n_classes);
  for (const auto& g : groups) {
    std::fill(add.begin(), add.end(), 0.0);
    for (auto r : g) add[cls(r)] += 1.0;
    std::size_t best = 0;
    double best_cost = 0.0;
    for (std::size_t f = 0; f < k; ++f) {
      // Squared distance from the even share over all folds after adding the group to fold f.
      double cost = 0.0;
      for (std::size_t c = 0; c < n_classes; ++c) {
        const double d = counts[f][c] + add[c] - share[c];
        cost += d * d - (counts[f][c] - share[c]) * (counts[f][c] - share[c]);
      }
      if (f == 0 || cost < best_cost || (cost == best_cost && folds[f].size() < folds[best].size())) {
        best = f;
        best_cost = cost;
      }
    }
    for (std::size_t c = 0; c < n_classes; ++c) counts[best][c] += add[c];
    folds[best].insert(folds[best].end(), g.begin(), g.end());
  }
  for (auto& f : folds) std::sort(f.begin(), f.end());
  return folds;
}

std::vector<std::vector<std::size_t>> grouped_kfold_splits(const Dataset& data, const std::vector<std::size_t>& rows,
                                                           std::size_t k, std::uint64_t seed) {
  if (data.group.size() != data.rows()) throw InputError("cross-validation: grouped folds need a group per row");
  static const std::vector<int> no_labels;
  return grouped_kfold_splits(data.group, data.task == Task::kClassification ? data.labels : no_labels, rows, k, seed);
}

namespace {

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> parse_spec(std::string_view spec) {
  std::vector<std::pair<std::string, std::vector<std::string>>> axes;
  if (spec.empty()) return axes;
  for (const auto& part : split(spec, ';')) {
    if (part.empty()) continue;
    const auto eq = part.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == part.size())
      throw InputError("grid: '" + part + "' is not key=value[,value...]");
    axes.emplace_back(part.substr(0, eq), split(part.substr(eq + 1), ','));
  }
  return axes;
}

template <class T>
T number(const std::string& key, const std::string& v) {
  std::istringstream s(v);
  T x{};
  if (!(s >> x) || !s.eof()) throw InputError("grid: " + key + "=" + v + " is not a number");
  return x;
}

void set_option(TrainingOptions& o, const std::string& key, const std::string& v) {
  if (key == "max_features") {
    resolve_max_features(v, 100);  // validates the spelling
    o.forest.max_features = v;
  } else if (key == "max_depth") {
    o.forest.max_depth = number<int>(key, v);
    o.boosting.max_depth = o.forest.max_depth;
  } else if (key == "min_samples_leaf") {
    o.forest.min_samples_leaf = number<std::size_t>(key, v);
    o.boosting.min_samples_leaf = o.forest.min_samples_leaf;
  } else if (key == "rounds") {
    o.boosting.rounds = number<std::size_t>(key, v);
  } else if (key == "max_leaves") {
    o.boosting.max_leaves = number<std::size_t>(key, v);
  } else if (key == "l2") {
    o.boosting.l2 = number<double>(key, v);
  } else if (key == "feature_fraction") {
    o.boosting.feature_fraction = number<double>(key, v);
  } else if (key == "criterion") {
    parse_criterion(v);
    o.forest.criterion = v;
  } else if (key == "class_weight") {
    o.forest.class_weight = v;
    o.boosting.class_weight = v;
  } else if (key == "trees") {
    o.forest.n_trees = number<std::size_t>(key, v);
  } else if (key == "bootstrap") {
    if (v != "true" && v != "false") throw InputError("grid: bootstrap must be true or false");
    o.forest.bootstrap = v == "true";
  } else if (key == "dropout") {
    o.network.dropout = number<double>(key, v);
  } else if (key == "learning_rate") {
    o.network.learning_rate = number<double>(key, v);
    o.boosting.learning_rate = o.network.learning_rate;
  } else if (key == "hidden") {
    o.network.hidden.clear();
    for (const auto& h : split(v, 'x')) o.network.hidden.push_back(number<std::size_t>(key, h));
  } else if (key == "normalization") {
    o.normalization = parse_normalization(v);
  } else {
    throw InputError("grid: unknown key '" + key +
                     "'; expected max_features, max_depth, min_samples_leaf, criterion, class_weight, trees, "
                     "bootstrap, dropout, learning_rate, hidden, normalization, rounds, max_leaves, l2, feature_fraction");
  }
}

}  // namespace

std::vector<TrainingOptions> expand_grid(const TrainingOptions& base, std::string_view spec) {
  std::vector<TrainingOptions> grid{base};
  for (const auto& [key, values] : parse_spec(spec)) {
    std::vector<TrainingOptions> next;
    for (const auto& g : grid)
      for (const auto& v : values) {
        TrainingOptions o = g;
        set_option(o, key, v);
        next.push_back(std::move(o));
      }
    grid = std::move(next);
  }
  return grid;
}

std::vector<std::string> describe_grid(std::string_view spec) {
  std::vector<std::string> out{""};
  for (const auto& [key, values] : parse_spec(spec)) {
    std::vector<std::string> next;
    for (const auto& d : out)
      for (const auto& v : values) next.push_back(d + (d.empty() ? "" : ";") + key + "=" + v);
    out = std::move(next);
  }
  return out;
}

std::vector<CvTask> cv_tasks(std::size_t n_grid_points, std::size_t n_folds) {
  std::vector<CvTask> t;
  for (std::size_t g = 0; g < n_grid_points; ++g)
    for (std::size_t f = 0; f < n_folds; ++f) t.push_back({g, f});
  return t;
}

Scores run_cv_task(const Dataset& data, const std::vector<std::size_t>& rows,
                   const std::vector<std::vector<std::size_t>>& folds, const std::vector<TrainingOptions>& grid,
                   const CvTask& task) {
  const auto& test = folds.at(task.fold);
  std::vector<std::size_t> train;
  std::set_difference(rows.begin(), rows.end(), test.begin(), test.end(), std::back_inserter(train));
  if (!std::is_sorted(rows.begin(), rows.end())) {
    std::vector<std::size_t> sorted(rows);
    std::sort(sorted.begin(), sorted.end());
    train.clear();
    std::set_difference(sorted.begin(), sorted.end(), test.begin(), test.end(), std::back_inserter(train));
  }
  const Model m = train_model(data, train, grid.at(task.grid_point));
  const Dataset subset = select_rows(data, test);
  const TargetMatrix values = m.predict_values(subset.features);
  Scores s = score_predictions(data, test, values, m);
  if (data.task == Task::kClassification) s.predicted = m.classes_from(values);
  return s;
}

GridResult summarise(Task task, std::size_t n_grid_points, std::size_t n_folds, const std::vector<Scores>& task_scores) {
  if (task_scores.size() != n_grid_points * n_folds) throw InputError("grid search: wrong number of task scores");
  GridResult r;
  r.scores.assign(n_grid_points, {});
  r.mean_score.assign(n_grid_points, 0.0);
  for (std::size_t g = 0; g < n_grid_points; ++g) {
    for (std::size_t f = 0; f < n_folds; ++f) {
      r.scores[g].push_back(task_scores[g * n_folds + f]);
      r.mean_score[g] += task_scores[g * n_folds + f].primary(task);
    }
    r.mean_score[g] /= static_cast<double>(n_folds);
    if (r.mean_score[g] > r.mean_score[r.best]) r.best = g;
  }
  return r;
}

GridResult grid_search(const Dataset& data, const std::vector<std::size_t>& rows, const std::vector<TrainingOptions>& grid,
                       std::size_t k, std::uint64_t seed) {
  const auto folds = kfold_splits(data, rows, k, seed);
  std::vector<Scores> scores;
  for (const auto& t : cv_tasks(grid.size(), k)) scores.push_back(run_cv_task(data, rows, folds, grid, t));
  return summarise(data.task, grid.size(), k, scores);
}

}  // namespace xasforge::ml
