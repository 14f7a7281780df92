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
#include "mpi/dataset_loader.hpp"
#include "mpi/distributed_learning.hpp"
#include "workflows/cli/commands.hpp"
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
  if (task == ml::Task::classification)
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
  if (test.task == ml::Task::classification) {
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

}  // namespace

void run_train(const TrainOptions& o) {
  boost::mpi::communicator world;
  const bool root = world.rank() == 0;
  auto say = [&](const std::string& line) {
    if (root) std::cout << line << std::endl;
  };

  mpi::DatasetRequest request;
  request.features = o.features;
  request.target = o.target;
  request.element_z = o.element;
  ml::Dataset data = mpi::load_dataset(o.results, request);
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

  nlohmann::json report;
  report["ranks"] = world.size();
  report["n_train"] = train.size();
  report["n_test"] = test.size();

  ml::TrainingOptions chosen = base;
  if (o.cv > 0) {
    const auto grid = ml::expand_grid(base, o.grid);
    const auto names = ml::describe_grid(o.grid);
    const auto t0 = std::chrono::steady_clock::now();
    const auto result = mpi::grid_search_distributed(world, data, train, grid, o.cv, o.forest.seed);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    nlohmann::json cv = nlohmann::json::array();
    for (std::size_t g = 0; g < grid.size(); ++g) {
      say("cv       " + std::to_string(o.cv) + "-fold " + (names[g].empty() ? std::string("(base)") : names[g]) + ": mean " +
          (data.task == ml::Task::classification ? "accuracy " : "R² ") + fmt(result.mean_score[g]));
      cv.push_back({{"grid_point", names[g]}, {"mean_score", result.mean_score[g]}});
    }
    chosen = grid[result.best];
    if (grid.size() > 1) say("cv       best: " + names[result.best]);
    say("cv       " + fmt(secs, 2) + " s");
    report["cv"] = cv;
    report["cv_best"] = names[result.best];
  }

  world.barrier();
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  MeasuredTrainingOptions measured = o.measured;
  measured.augment.seed = o.forest.seed;
  const ml::Model model = measured.any()
                              ? train_for_measured(world, o.results, data, train, test, chosen, measured, o.forest.seed, report)
                              : mpi::train_model_distributed(world, data, train, chosen);
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
    if (data.task == ml::Task::classification) {
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
  if (chosen.kind == ml::ModelKind::random_forest) {
    const auto imp = model.forest.feature_importances();
    report["mdi_importance"] = imp;
    std::vector<std::size_t> order(imp.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return imp[a] > imp[b]; });
    std::string top = "mdi      top features:";
    for (std::size_t i = 0; i < std::min<std::size_t>(5, order.size()); ++i) {
      const std::size_t f = order[i];
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
void add_measured_training_options(CLI::App* cmd, MeasuredTrainingOptions& m) {
  auto& a = m.augment;
  auto pair = [](double& lo, double& hi) {
    return [&lo, &hi](const std::vector<double>& v) { lo = v.at(0), hi = v.at(1); };
  };
  cmd->add_option("--augment", a.copies, "Augmented copies of each simulated training spectrum (0 = off; docs/ml.md)")
      ->capture_default_str();
  cmd->add_option_function<std::vector<double>>("--augment-s02", pair(a.s02_min, a.s02_max), "S0² range LO HI [0.7 1.0]")->expected(2);
  cmd->add_option("--augment-e0", a.e0_shift_eV, "ΔE0 drawn in ±X eV [5]");
  cmd->add_option_function<std::vector<double>>("--augment-sigma2", pair(a.sigma2_min_A2, a.sigma2_max_A2),
                                                "Added σ² range LO HI in Å² [-0.002 0.004]")->expected(2);
  cmd->add_option_function<std::vector<double>>("--augment-noise", pair(a.noise_min, a.noise_max),
                                                "Noise rms of chi at k = 10 Å⁻¹, log-uniform LO HI [3e-4 3e-3]")->expected(2);
  cmd->add_option_function<std::vector<double>>("--augment-kmax", pair(a.kmax_min_invA, a.kmax_max_invA),
                                                "Last k of the data, uniform LO HI in Å⁻¹ [10 14]")->expected(2);
  cmd->add_option("--group-cv", m.group_cv, "k-fold cross-validation with each structure's sites in one fold (0 = off)");
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
  cmd->add_option("--model", o->model, "random_forest | neural_network")->capture_default_str();
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
  cmd->add_option("--target-kweight", o->target_kweight, "Regression on a grid (chi): multiply outputs by k^W")
      ->check(CLI::Range(0, 3))
      ->capture_default_str();
  add_measured_training_options(cmd, o->measured);
  cmd->callback([o] {
    static std::unique_ptr<boost::mpi::environment> env;
    if (!env) env = std::make_unique<boost::mpi::environment>();
    run_train(*o);
  });
}

}  // namespace xasforge::cli
