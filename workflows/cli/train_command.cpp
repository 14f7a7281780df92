// `xasforge train RESULTS.h5 --target cn ...`: cross-validate, fit and evaluate a model on a
// results file, and write the model file. Runs the same with or without mpirun: trees, CV tasks
// and gradient chunks are shared over the ranks, and rank 0 prints and writes.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <functional>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/mpi/operations.hpp>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/ml/cross_validation.hpp"
#include "core/ml/metrics.hpp"
#include "core/ml/model_file.hpp"
#include "core/ml/permutation_importance.hpp"
#include "core/ml/random_stream.hpp"
#include "mpi/dataset_loader.hpp"
#include "mpi/distributed_learning.hpp"
#include "workflows/cli/commands.hpp"
#include "workflows/cli/feature_set_inputs.hpp"
#include "workflows/cli/train_command.hpp"

namespace xasforge::cli {
namespace {


std::vector<std::size_t> parse_hidden(const std::string& s) {
  std::vector<std::size_t> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, ',')) {
    try {
      const long v = std::stol(part);
      if (v <= 0) throw std::invalid_argument("");
      out.push_back(static_cast<std::size_t>(v));
    } catch (const std::exception&) {
      throw InputError("--hidden: '" + s + "' is not a comma-separated list of positive layer sizes");
    }
  }
  return out;
}

std::string fmt(double v, int digits = 4) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

nlohmann::json scores_json(const ml::Scores& s, ml::Task task) {
  if (task == ml::Task::kClassification)
    return {{"rows", s.rows}, {"accuracy", s.accuracy}, {"macro_f1", s.macro_f1}, {"within_one", s.within_one}};
  return {{"rows", s.rows}, {"r2", s.r2}};
}

/// The held-out rows' predictions, one line per (item, output): `item,x,true,predicted` for a
/// regression (x: the target grid value, e.g. k in Å⁻¹, or the output index) and
/// `item,true,predicted` for a classification. scripts/report.py draws the parity plot from it.
void write_test_predictions(const std::string& path, const ml::Dataset& test, const ml::TargetMatrix& pred,
                            const ml::Model& model) {
  std::ofstream out(path);
  if (!out) throw InputError(path + ": cannot write predictions");
  out.precision(10);
  auto item = [&](std::size_t i) { return test.item_index.empty() ? static_cast<long>(i) : test.item_index[i]; };
  if (test.task == ml::Task::kClassification) {
    const auto predicted = model.classes_from(pred);
    out << "item,true,predicted\n";
    for (std::size_t i = 0; i < test.rows(); ++i) out << item(i) << ',' << test.labels[i] << ',' << predicted[i] << '\n';
    return;
  }
  out << "# target " << test.target_name;
  if (!test.target_grid.empty()) out << " on its grid, multiplied by grid^" << test.target_grid_weight;
  out << "\nitem,x,true,predicted\n";
  for (std::size_t i = 0; i < test.rows(); ++i)
    for (Eigen::Index j = 0; j < pred.cols(); ++j) {
      const double x = test.target_grid.empty() ? static_cast<double>(j) : test.target_grid[static_cast<std::size_t>(j)];
      out << item(i) << ',' << x << ',' << test.targets(static_cast<Eigen::Index>(i), j) << ',' << pred(static_cast<Eigen::Index>(i), j) << '\n';
    }
}

/// The feature set o names, with its transform settings.
xafs::FeatureSetSpec study_feature_set(const TrainOptions& o) {
  xafs::FeatureSetSpec spec = xafs::parse_feature_set(o.feature_set, o.feature_kweight);
  if (o.feature_k.size() != 2 || o.feature_r.size() != 2) throw InputError("--feature-k and --feature-r take LOW HIGH");
  spec.kmin_invA = o.feature_k[0];
  spec.kmax_invA = o.feature_k[1];
  spec.rmin_A = o.feature_r[0];
  spec.rmax_A = o.feature_r[1];
  spec.dk_invA = o.feature_dk;
  spec.r_step_A = o.feature_r_step;
  spec.k_step_invA = o.feature_k_step;
  spec.window = o.feature_window;
  spec.n_peaks = o.feature_peaks;
  xafs::check_feature_set(spec);
  return spec;
}

/// Out-of-fold predictions of the chosen grid point: `item,z,group,fold,true,predicted`, one line
/// per training row (classification only; the folds are those the search used).
void write_cv_predictions(const std::string& path, const ml::Dataset& data, const std::vector<std::size_t>& train,
                          std::size_t k, std::uint64_t seed, const ml::GridResult& result) {
  if (data.task != ml::Task::kClassification) throw InputError("--cv-predictions: classification targets only");
  const auto folds = ml::kfold_splits(data, train, k, seed);
  std::ofstream out(path);
  if (!out) throw InputError(path + ": cannot write cross-validation predictions");
  out << "item,z,group,fold,true,predicted\n";
  for (std::size_t f = 0; f < folds.size(); ++f) {
    const auto& pred = result.scores[result.best][f].predicted;
    if (pred.size() != folds[f].size()) throw std::logic_error("write_cv_predictions: fold " + std::to_string(f) + " predictions missing");
    for (std::size_t i = 0; i < folds[f].size(); ++i) {
      const std::size_t r = folds[f][i];
      out << (data.item_index.empty() ? static_cast<long>(r) : data.item_index[r]) << ','
          << (data.element_z.empty() ? 0 : data.element_z[r]) << ',' << (data.group.empty() ? -1 : data.group[r]) << ','
          << f << ',' << data.labels[r] << ',' << pred[i] << '\n';
    }
  }
}

/// The grouped CV's summary in the shape train_for_measured writes it (`group_cv`,
/// `cv_confusion`, a `groupcv` line): pooled accuracy of the chosen grid point's out-of-fold
/// predictions on the folds the search used (classification only).
void report_grouped_cv(const ml::Dataset& data, const std::vector<std::size_t>& train, std::size_t k, std::uint64_t seed,
                       const ml::GridResult& result, nlohmann::json& report, const std::function<void(const std::string&)>& say) {
  const auto folds = ml::kfold_splits(data, train, k, seed);
  std::vector<int> truth, predicted;
  for (std::size_t f = 0; f < folds.size(); ++f) {
    const auto& pred = result.scores[result.best][f].predicted;
    if (pred.size() != folds[f].size()) throw std::logic_error("report_grouped_cv: fold " + std::to_string(f) + " predictions missing");
    for (std::size_t i = 0; i < folds[f].size(); ++i) {
      truth.push_back(data.labels[folds[f][i]]);
      predicted.push_back(pred[i]);
    }
  }
  std::size_t right = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) right += truth[i] == predicted[i];
  const double accuracy = truth.empty() ? 0.0 : static_cast<double>(right) / static_cast<double>(truth.size());
  say("groupcv  " + std::to_string(k) + "-fold by structure: accuracy " + fmt(accuracy) + " on " + std::to_string(truth.size()) +
      " simulated rows");
  report["group_cv"] = {{"folds", k}, {"grouped_by", "structure"}, {"rows", truth.size()}, {"accuracy", accuracy}};
  const auto cm = ml::confusion_matrix(truth, predicted);
  report["cv_confusion"] = {{"classes", cm.classes}, {"counts", cm.counts}};
}

/// The feature rows the model sees (after the feature set), with item, element, group, CV fold
/// (-1 without --cv) and label, so that another tool can be fitted on exactly the same rows and
/// folds (benchmarks/cn_study.sh does this with scikit-learn).
void write_feature_rows(const std::string& path, const ml::Dataset& data, const std::vector<std::size_t>& train,
                        std::size_t k, std::uint64_t seed) {
  std::vector<long> fold(data.rows(), -1);
  if (k > 0) {
    const auto folds = ml::kfold_splits(data, train, k, seed);
    for (std::size_t f = 0; f < folds.size(); ++f)
      for (auto r : folds[f]) fold[r] = static_cast<long>(f);
  }
  std::ofstream out(path);
  if (!out) throw InputError(path + ": cannot write the feature rows");
  out.precision(17);
  out << "item,z,group,fold,label";
  for (std::size_t j = 0; j < data.n_features(); ++j) out << ",f" << j;
  out << '\n';
  for (auto r : train) {
    out << (data.item_index.empty() ? static_cast<long>(r) : data.item_index[r]) << ','
        << (data.element_z.empty() ? 0 : data.element_z[r]) << ',' << (data.group.empty() ? -1 : data.group[r]) << ','
        << fold[r] << ',' << (data.task == ml::Task::kClassification ? data.labels[r] : 0);
    for (std::size_t j = 0; j < data.n_features(); ++j) out << ',' << data.features(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j));
    out << '\n';
  }
}

/// The TPE history: CSV (trial, batch, score, one column per dimension) or, for a .json name,
/// a JSON list of {trial, batch, score, options}.
void write_search_history(const std::string& path, const std::vector<ml::SearchDimension>& space,
                          const std::vector<ml::Trial>& history, std::size_t batch) {
  std::ofstream out(path);
  if (!out) throw InputError(path + ": cannot write the search history");
  if (path.size() > 5 && path.compare(path.size() - 5, 5, ".json") == 0) {
    nlohmann::json j = nlohmann::json::array();
    for (std::size_t t = 0; t < history.size(); ++t) {
      nlohmann::json values;
      for (std::size_t d = 0; d < space.size(); ++d) values[space[d].key] = history[t].values[d];
      j.push_back({{"trial", t}, {"batch", t / batch}, {"score", history[t].score}, {"values", values}});
    }
    out << j.dump(1) << '\n';
    return;
  }
  out.precision(10);
  out << "trial,batch,score";
  for (const auto& d : space) out << ',' << d.key;
  out << '\n';
  for (std::size_t t = 0; t < history.size(); ++t) {
    out << t << ',' << t / batch << ',' << history[t].score;
    for (double v : history[t].values) out << ',' << v;
    out << '\n';
  }
}

}  // namespace

void run_train(const TrainOptions& given) {
  boost::mpi::communicator world;
  const bool root = world.rank() == 0;
  auto say = [&](const std::string& line) {
    if (root) std::cout << line << std::endl;
  };
  TrainOptions o = given;
  if (o.group_cv > 0) {  // the older spelling of --cv K --cv-groups structure
    if (o.cv > 0 && o.cv != o.group_cv)
      throw InputError("--group-cv " + std::to_string(o.group_cv) + " and --cv " + std::to_string(o.cv) +
                       " disagree (--group-cv K means --cv K --cv-groups structure)");
    if (!o.cv_groups.empty() && o.cv_groups != "structure")
      throw InputError("--group-cv groups by structure, --cv-groups says '" + o.cv_groups + "'");
    o.cv = o.group_cv;
    o.cv_groups = "structure";
    if (root) std::cerr << "note: --group-cv K is deprecated; it means --cv K --cv-groups structure\n";
  }
  const bool grouped = o.cv_groups == "structure";
  MeasuredTrainingOptions measured = o.measured;
  measured.augment.seed = o.forest.seed;
  measured.grouped_folds = grouped && o.cv > 0 ? o.cv : (measured.calibrate ? 5 : 0);

  mpi::DatasetRequest request;
  request.features = o.features;
  request.target = o.target;
  request.element_z = o.element;
  std::optional<xafs::FeatureSetSpec> feature_set;
  if (!o.feature_set.empty()) {
    feature_set = study_feature_set(o);
    request.features = "chi";  // the set is computed from /spectra/chi on /spectra/k
  }
  request.group_by = o.cv_groups;
  ml::Dataset data = mpi::load_dataset(o.results, request);
  if (o.group_fraction < 1.0) {
    // A learning-curve point: whole groups (structures) kept when a seeded hash of the group id
    // falls below the fraction, so the same structures are kept for any rank count.
    if (data.group.empty()) throw InputError("--group-fraction needs --cv-groups structure");
    std::vector<std::size_t> keep;
    for (std::size_t i = 0; i < data.rows(); ++i) {
      const std::uint64_t h = ml::mix64(o.forest.seed ^ ml::mix64(static_cast<std::uint64_t>(data.group[i]) + 0x9e37ULL));
      if (static_cast<double>(h >> 11) * 0x1.0p-53 < o.group_fraction) keep.push_back(i);
    }
    if (keep.empty()) throw InputError("--group-fraction " + std::to_string(o.group_fraction) + " keeps no structure");
    data = ml::select_rows(data, keep);
  }
  if (feature_set) {
    const auto t0 = std::chrono::steady_clock::now();
    apply_feature_set(data, *feature_set);
    say("features " + o.feature_set + ": " + std::to_string(data.n_features()) + " per spectrum (" +
        fmt(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 2) + " s)");
  }
  if (!o.target_range.empty() || o.target_kweight != 0) {
    const double lo = o.target_range.empty() ? -std::numeric_limits<double>::infinity() : o.target_range[0];
    const double hi = o.target_range.empty() ? std::numeric_limits<double>::infinity() : o.target_range[1];
    ml::restrict_target_grid(data, lo, hi, o.target_kweight);
  }

  ml::TrainingOptions base;
  base.kind = ml::parse_model_kind(o.model);
  base.forest = o.forest;
  if (o.bagging) base.forest.max_features = "all";
  base.forest.bootstrap = !o.no_bootstrap;
  base.network = o.network;
  base.network.hidden = parse_hidden(o.hidden);
  base.network.seed = o.forest.seed;
  base.boosting = o.boosting;
  base.boosting.max_depth = o.forest.max_depth;
  base.boosting.max_bins = o.forest.max_bins;
  base.boosting.class_weight = o.forest.class_weight;
  base.boosting.seed = o.forest.seed;
  base.normalization = ml::parse_normalization(o.normalization);

  std::vector<std::size_t> train = ml::all_rows(data), test;
  if (!data.split.empty()) {
    train = ml::rows_in_split(data, ml::kSplitTrain);
    test = ml::rows_in_split(data, ml::kSplitTest);
  } else if (o.test_fraction > 0.0) {
    // Hold out one fold of a stratified, seeded k-fold split with k = round(1 / fraction): the
    // same rows for any rank count, every class represented in the held-out part.
    const auto k = static_cast<std::size_t>(std::max(2L, std::lround(1.0 / o.test_fraction)));
    test = ml::kfold_splits(data, train, k, o.forest.seed ^ 0x5e1ec7edULL).front();
    std::sort(test.begin(), test.end());
    std::vector<std::size_t> rest;
    std::set_difference(train.begin(), train.end(), test.begin(), test.end(), std::back_inserter(rest));
    train = std::move(rest);
  }
  say("data     " + o.results + ": " + std::to_string(data.rows()) + " items × " + std::to_string(data.n_features()) +
      " features (" + data.feature_name + "), target " + o.target + "; " + std::to_string(train.size()) + " train, " +
      std::to_string(test.size()) + " test; " + std::to_string(world.size()) + " rank(s)");

  if (root && !o.export_features.empty()) write_feature_rows(o.export_features, data, train, o.cv, o.forest.seed);

  nlohmann::json report;
  report["ranks"] = world.size();
  report["n_train"] = train.size();
  report["n_test"] = test.size();

  ml::TrainingOptions chosen = base;
  nlohmann::json cv_detail = nlohmann::json::array();
  if (!o.search.empty()) {
    if (o.cv == 0) throw InputError("--search needs --cv K (trials are scored by K-fold cross-validation)");
    if (!o.grid.empty()) throw InputError("--search and --grid cannot be combined");
    const auto space = ml::parse_search_space(o.search);
    ml::TpeOptions tpe;
    tpe.seed = o.forest.seed;
    tpe.startup_trials = o.search_startup;
    const auto t0 = std::chrono::steady_clock::now();
    const auto history = mpi::tpe_search_distributed(world, data, train, base, space, o.trials, o.search_batch, o.cv, tpe);
    std::size_t best = 0;
    for (std::size_t t = 1; t < history.size(); ++t)
      if (history[t].score > history[best].score) best = t;
    nlohmann::json trials = nlohmann::json::array();
    for (std::size_t t = 0; t < history.size(); ++t)
      trials.push_back({{"trial", t}, {"batch", t / o.search_batch}, {"score", history[t].score},
                        {"options", ml::describe_trial(space, history[t].values)}});
    say("search   TPE, " + std::to_string(history.size()) + " trials in batches of " + std::to_string(o.search_batch) +
        ": best " + fmt(history[best].score) + " (trial " + std::to_string(best) + ": " +
        ml::describe_trial(space, history[best].values) + "), " +
        fmt(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 2) + " s");
    report["search"] = {{"space", o.search}, {"best_trial", best}, {"trials", trials}};
    if (root && !o.search_history.empty()) write_search_history(o.search_history, space, history, o.search_batch);
    base = ml::apply_trial(base, space, history[best].values);
    chosen = base;
  }
  // With augmentation or calibration and no grid or search, the grouped CV runs once, inside
  // train_for_measured (its folds are trained on augmented rows); a grid or search is scored here.
  const bool cv_in_measured = measured.any() && grouped && o.grid.empty() && o.search.empty();
  if (o.cv > 0 && o.search.empty() && !cv_in_measured) {
    const auto grid = ml::expand_grid(base, o.grid);
    const auto names = ml::describe_grid(o.grid);
    const auto t0 = std::chrono::steady_clock::now();
    const auto result = mpi::grid_search_distributed(world, data, train, grid, o.cv, o.forest.seed);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    nlohmann::json cv = nlohmann::json::array();
    for (std::size_t g = 0; g < grid.size(); ++g) {
      double f1 = 0.0, w1 = 0.0;
      nlohmann::json folds = nlohmann::json::array();
      for (const auto& s : result.scores[g]) {
        f1 += s.macro_f1 / static_cast<double>(o.cv);
        w1 += s.within_one / static_cast<double>(o.cv);
        folds.push_back(s.primary(data.task));
      }
      cv_detail.push_back({{"grid_point", names[g]}, {"mean_macro_f1", f1}, {"mean_within_one", w1}, {"fold_scores", folds}});
      say("cv       " + std::to_string(o.cv) + "-fold " + (names[g].empty() ? std::string("(base)") : names[g]) + ": mean " +
          (data.task == ml::Task::kClassification ? "accuracy " : "R² ") + fmt(result.mean_score[g]));
      cv.push_back({{"grid_point", names[g]}, {"mean_score", result.mean_score[g]}});
    }
    chosen = grid[result.best];
    if (grid.size() > 1) say("cv       best: " + names[result.best]);
    say("cv       " + fmt(secs, 2) + " s");
    report["cv"] = cv;
    report["cv_best"] = names[result.best];
    report["cv_detail"] = cv_detail;
    report["cv_grouped_by"] = o.cv_groups;
    if (root && !o.cv_predictions.empty()) write_cv_predictions(o.cv_predictions, data, train, o.cv, o.forest.seed, result);
    if (grouped && data.task == ml::Task::kClassification && !measured.any())
      report_grouped_cv(data, train, o.cv, o.forest.seed, result, report, say);
  }
  if (cv_in_measured && !o.cv_predictions.empty())
    throw InputError("--cv-predictions is not written with --augment or --calibrate (their grouped CV trains on augmented rows)");

  world.barrier();
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  measured.feature_set = feature_set;
  ml::Model model = measured.any()
                        ? train_for_measured(world, o.results, data, train, test, chosen, measured, o.forest.seed, report)
                        : mpi::train_model_distributed(world, data, train, chosen);
  model.feature_set = feature_set;
  const double my_cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  world.barrier();
  const double fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // CPU seconds summed over ranks: robust to other load on a shared machine, unlike wall time.
  const double fit_cpu = boost::mpi::all_reduce(world, my_cpu, std::plus<double>());
  say("fit      " + ml::to_string(chosen.kind) + " in " + fmt(fit_seconds, 3) + " s wall, " + fmt(fit_cpu, 3) +
      " CPU-s over all ranks");
  report["fit_seconds"] = fit_seconds;
  report["fit_cpu_seconds"] = fit_cpu;
  // The busiest rank's CPU seconds: the fit's critical path on dedicated cores (strong scaling).
  report["fit_cpu_seconds_max_rank"] = boost::mpi::all_reduce(world, my_cpu, boost::mpi::maximum<double>());
  report["model"] = ml::to_string(chosen.kind);

  if (!test.empty()) {
    const ml::Dataset test_data = ml::select_rows(data, test);
    const ml::TargetMatrix pred = mpi::predict_distributed(world, model, test_data.features);
    const auto local = ml::all_rows(test_data);
    const ml::Scores s = ml::score_predictions(test_data, local, pred, model);
    if (root && !o.predictions.empty()) write_test_predictions(o.predictions, test_data, pred, model);
    report["test"] = scores_json(s, data.task);
    if (data.task == ml::Task::kClassification) {
      say("test     accuracy " + fmt(s.accuracy) + "  macro-F1 " + fmt(s.macro_f1) + "  within ±1 " + fmt(s.within_one));
      const auto predicted = model.classes_from(pred);
      const auto cm = ml::confusion_matrix(test_data.labels, predicted);
      if (root) {
        std::cout << "confusion (rows: true, columns: predicted)\n       ";
        for (int c : cm.classes) std::printf("%7d", c);
        std::printf("\n");
        for (std::size_t i = 0; i < cm.classes.size(); ++i) {
          std::printf("  %4d ", cm.classes[i]);
          for (auto v : cm.counts[i]) std::printf("%7zu", v);
          std::printf("\n");
        }
        std::fflush(stdout);
      }
      report["confusion"] = {{"classes", cm.classes}, {"counts", cm.counts}};
      if (!test_data.element_z.empty()) {
        nlohmann::json per;
        for (const auto& [z, e] : ml::accuracy_by_element(test_data.element_z, test_data.labels, predicted)) {
          say("element  Z=" + std::to_string(z) + ": " + std::to_string(e.rows) + " rows, accuracy " + fmt(e.accuracy));
          per[std::to_string(z)] = {{"rows", e.rows}, {"accuracy", e.accuracy}};
        }
        report["per_element"] = per;
      }
    } else {
      say("test     R² " + fmt(s.r2) + " (uniform average over " + std::to_string(model.n_outputs()) + " outputs)");
    }
    if (o.permutation_repeats > 0 && root) {
      const auto pi = ml::permutation_importance(model, test_data, local, o.permutation_repeats, o.forest.seed);
      report["permutation_importance"] = pi.mean_drop;
    }
  }
  if (chosen.kind == ml::ModelKind::kRandomForest || chosen.kind == ml::ModelKind::kGradientBoosting) {
    const auto imp = chosen.kind == ml::ModelKind::kRandomForest ? model.forest.feature_importances()
                                                                  : model.boosting.feature_importances();
    if (feature_set) report["feature_labels"] = xafs::feature_set_labels(*feature_set);
    report["mdi_importance"] = imp;
    std::vector<std::size_t> order(imp.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return imp[a] > imp[b]; });
    std::string top = "mdi      top features:";
    for (std::size_t i = 0; i < std::min<std::size_t>(5, order.size()); ++i) {
      const std::size_t f = order[i];
      if (feature_set) {
        top += " " + xafs::feature_set_labels(*feature_set)[f] + " (" + fmt(imp[f], 3) + ")";
        continue;
      }
      top += " " + (data.feature_grid.empty() ? "#" + std::to_string(f) : fmt(data.feature_grid[f], 2)) + " (" + fmt(imp[f], 3) + ")";
    }
    say(top);
  }
  if (root) {
    if (!o.output.empty()) {
      ml::save_model(o.output, model);
      std::cout << "model    " << o.output << '\n';
    }
    if (!o.metrics_json.empty()) {
      std::ofstream out(o.metrics_json);
      if (!out) throw InputError(o.metrics_json + ": cannot write metrics");
      out << report.dump(2) << '\n';
    }
  }
}


namespace {

/// Options of train_for_measured (measured_training.hpp): augmentation, grouped CV, calibration.
void add_measured_training_options(CLI::App* cmd, TrainOptions& o) {
  MeasuredTrainingOptions& m = o.measured;
  auto& a = m.augment;
  auto pair = [](double& lo, double& hi) {
    return [&lo, &hi](const std::vector<double>& v) { lo = v.at(0), hi = v.at(1); };
  };
  cmd->add_option("--augment", a.copies, "Augmented copies of each simulated training spectrum (0 = off; docs/ml.md)")
      ->capture_default_str();
  cmd->add_option_function<std::vector<double>>("--augment-s02", pair(a.s02_min, a.s02_max), "S0² range LO HI [0.7 1.0]")->expected(2);
  cmd->add_option("--augment-e0", a.e0_shift_eV, "ΔE0 drawn in ±X eV [5]");
  cmd->add_option_function<std::vector<double>>("--augment-sigma2", pair(a.sigma2_min_A2, a.sigma2_max_A2),
                                                "Added σ² range LO HI in Å² [-0.001 0.005]")->expected(2);
  cmd->add_option_function<std::vector<double>>("--augment-noise", pair(a.noise_min, a.noise_max),
                                                "Noise rms of chi at k = 10 Å⁻¹, log-uniform LO HI [3e-4 3e-3]")->expected(2);
  cmd->add_option_function<std::vector<double>>("--augment-kmax", pair(a.kmax_min_invA, a.kmax_max_invA),
                                                "Last k of the data, uniform LO HI in Å⁻¹ [10 14]")->expected(2);
  cmd->add_option("--group-cv", o.group_cv, "Deprecated: --group-cv K means --cv K --cv-groups structure");
  cmd->add_flag("--calibrate", m.calibrate, "Temperature-scale the probabilities on structure-grouped out-of-fold rows");
  cmd->add_option("--unsure-below", m.unsure_below, "predict flags a spectrum unsure under this calibrated top probability")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand("train", "Train a random forest or neural network on a results file (mpirun-aware)");
  cmd->add_option("results", o->results, "HDF5 results file")->required();
  cmd->add_option("-o,--output", o->output, "Model file to write");
  cmd->add_option("--target", o->target, "cn | rdf | chi | /dataset/path")->capture_default_str();
  cmd->add_option("--features", o->features, "chir_mag | soap | chi | /dataset/path")->capture_default_str();
  cmd->add_option("--model", o->model, "random_forest | neural_network | gradient_boosting")->capture_default_str();
  cmd->add_option("--element", o->element, "Keep only items with this absorber Z");
  cmd->add_option("--normalization", o->normalization, "none | minmax | mean (fitted on training rows)")->capture_default_str();
  cmd->add_option("--trees", o->forest.n_trees, "Number of trees")->capture_default_str();
  cmd->add_option("--max-features", o->forest.max_features, "sqrt | log2 | all | N | fraction")->capture_default_str();
  cmd->add_option("--max-depth", o->forest.max_depth, "0 = unlimited")->capture_default_str();
  cmd->add_option("--min-samples-leaf", o->forest.min_samples_leaf)->capture_default_str();
  cmd->add_option("--criterion", o->forest.criterion, "gini | entropy | mse (default by task)");
  cmd->add_option("--class-weight", o->forest.class_weight, "none | balanced")->capture_default_str();
  cmd->add_option("--max-bins", o->forest.max_bins, "Histogram bins per feature (2..256)")->capture_default_str();
  cmd->add_flag("--no-bootstrap", o->no_bootstrap, "Every tree sees every row");
  cmd->add_flag("--bagging", o->bagging, "Bagging: all features tried at every node");
  cmd->add_option("--seed", o->forest.seed, "Random seed (trees keyed by seed and tree index)")->capture_default_str();
  cmd->add_option("--cv", o->cv, "k-fold cross-validation on the training rows (0 = off)")->capture_default_str();
  cmd->add_option("--test-fraction", o->test_fraction,
                  "Hold out this stratified fraction of the rows for the test scores when the file has no /items/split")
      ->check(CLI::Range(0.0, 0.5))
      ->capture_default_str();
  cmd->add_option("--grid", o->grid, "Grid search with --cv, e.g. 'max_features=sqrt,0.2;min_samples_leaf=1,3'");
  cmd->add_option("--hidden", o->hidden, "Hidden layer sizes, e.g. 512,512")->capture_default_str();
  cmd->add_option("--dropout", o->network.dropout)->capture_default_str();
  cmd->add_option("--learning-rate", o->network.learning_rate)->capture_default_str();
  cmd->add_option("--batch-size", o->network.batch_size)->capture_default_str();
  cmd->add_option("--epochs", o->network.max_epochs)->capture_default_str();
  cmd->add_option("--patience", o->network.patience, "Early stopping patience (epochs)")->capture_default_str();
  cmd->add_option("--permutation-repeats", o->permutation_repeats, "Permutation importance on the test rows (0 = off)");
  cmd->add_option("--metrics-json", o->metrics_json, "Write metrics and timings as JSON");
  cmd->add_option("--predictions", o->predictions, "Write the held-out rows' true and predicted values as CSV");
  cmd->add_option("--target-range", o->target_range, "Regression on a grid (chi): keep outputs with LO <= k <= HI")
      ->expected(2);
  // Study options (issue 16): feature sets, grouped CV, gradient boosting.
  cmd->add_option("--feature-set", o->feature_set,
                  "Features computed from /spectra/chi: chir_mag, chir_re, chir_im, chik, wavelet, peaks, each "
                  "optionally :kweight, comma-separated (e.g. chir_mag:1,chir_mag:2,peaks); stored in the model");
  cmd->add_option("--feature-k", o->feature_k, "Feature set: transform k range LOW HIGH (Å⁻¹)")->expected(2)->capture_default_str();
  cmd->add_option("--feature-r", o->feature_r, "Feature set: R range LOW HIGH (Å)")->expected(2)->capture_default_str();
  cmd->add_option("--feature-kweight", o->feature_kweight, "Feature set: default k-weight")->check(CLI::Range(0, 3))->capture_default_str();
  cmd->add_option("--feature-dk", o->feature_dk, "Feature set: window taper (Å⁻¹)")->capture_default_str();
  cmd->add_option("--feature-window", o->feature_window, "Feature set: window (hanning, kaiser, ...)")->capture_default_str();
  cmd->add_option("--feature-r-step", o->feature_r_step, "Feature set: R grid step (Å)")->capture_default_str();
  cmd->add_option("--feature-k-step", o->feature_k_step, "Feature set: k grid step of chik / wavelet (Å⁻¹)")->capture_default_str();
  cmd->add_option("--feature-peaks", o->feature_peaks, "Feature set: |chi(R)| peaks kept by the peaks block")->capture_default_str();
  cmd->add_option("--cv-groups", o->cv_groups, "Keep groups whole in CV folds: structure (/items/structure)");
  cmd->add_option("--cv-predictions", o->cv_predictions, "Write out-of-fold predictions (item,z,group,fold,true,predicted)");
  cmd->add_option("--group-fraction", o->group_fraction,
                  "Keep a seeded fraction of the structures (with --cv-groups structure; learning curves)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--search", o->search,
                  "TPE hyperparameter search with --cv, e.g. 'learning_rate=log:0.02:0.3;max_leaves=int:4:48;feature_fraction=0.1:1'");
  cmd->add_option("--trials", o->trials, "TPE: trials")->capture_default_str();
  cmd->add_option("--search-batch", o->search_batch, "TPE: trials proposed together (fixes the search for any rank count)")
      ->capture_default_str();
  cmd->add_option("--search-startup", o->search_startup, "TPE: random trials before the estimator")->capture_default_str();
  cmd->add_option("--search-history", o->search_history, "TPE: write every trial and its CV score (.csv or .json)");
  cmd->add_option("--export-features", o->export_features,
                  "Write the training rows' features with item, z, group, CV fold and label as CSV");
  cmd->add_option("--rounds", o->boosting.rounds, "Gradient boosting: rounds")->capture_default_str();
  cmd->add_option("--shrinkage", o->boosting.learning_rate, "Gradient boosting: learning rate")->capture_default_str();
  cmd->add_option("--max-leaves", o->boosting.max_leaves, "Gradient boosting: leaves per tree")->capture_default_str();
  cmd->add_option("--leaf-rows", o->boosting.min_samples_leaf, "Gradient boosting: rows per leaf at least")->capture_default_str();
  cmd->add_option("--l2", o->boosting.l2, "Gradient boosting: L2 penalty on leaf values")->capture_default_str();
  cmd->add_option("--feature-fraction", o->boosting.feature_fraction, "Gradient boosting: features drawn per tree")
      ->capture_default_str();
  cmd->add_option("--target-kweight", o->target_kweight, "Regression on a grid (chi): multiply outputs by k^W")
      ->check(CLI::Range(0, 3))
      ->capture_default_str();
  add_measured_training_options(cmd, *o);
  cmd->callback([o] {
    static std::unique_ptr<boost::mpi::environment> env;
    if (!env) env = std::make_unique<boost::mpi::environment>();
    run_train(*o);
  });
}

}  // namespace xasforge::cli
