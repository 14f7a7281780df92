#include "workflows/cli/measured_training.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <map>
#include <stdexcept>

#include "core/error.hpp"
#include "core/ml/calibration.hpp"
#include "core/ml/cross_validation.hpp"
#include "core/ml/metrics.hpp"
#include "core/ml/random_stream.hpp"
#include "mpi/dataset_loader.hpp"
#include "mpi/distributed_learning.hpp"
#include "workflows/stages/xftf_stage.hpp"
#include "mpi/results_layout.hpp"

namespace xasforge::cli {

SimulatedSpectra load_simulated_spectra(const std::string& results, const ml::Dataset& data) {
  if (data.item_index.size() != data.rows())
    throw InputError(results + ": the data set's rows carry no item index; augmentation needs /spectra/chi per item");
  SimulatedSpectra s;
  std::vector<std::size_t> dims;
  s.k_invA = mpi::read_numeric_dataset(results, mpi::block_paths::kChiK, dims);
  const std::vector<double> chi = mpi::read_numeric_dataset(results, mpi::block_paths::kChi, dims);
  if (dims.size() != 2 || dims[1] != s.k_invA.size())
    throw InputError(results + ": /spectra/chi is not (items × " + std::to_string(s.k_invA.size()) + " k points)");
  const std::vector<double> structure = mpi::read_numeric_dataset(results, "/items/structure", dims);
  const workflows::CampaignConfig config =
      workflows::parse_campaign(mpi::read_campaign_config_text(results), results + " (/campaign config)");
  s.features = config.features;
  s.k_step_invA = config.scattering.k_step_invA;
  s.r_A = data.feature_grid;
  const std::size_t nk = s.k_invA.size();
  for (std::size_t i = 0; i < data.rows(); ++i) {
    const auto item = static_cast<std::size_t>(data.item_index[i]);
    if (item >= structure.size()) throw InputError(results + ": item " + std::to_string(item) + " is beyond /items/structure");
    s.chi.emplace_back(chi.begin() + static_cast<std::ptrdiff_t>(item * nk), chi.begin() + static_cast<std::ptrdiff_t>((item + 1) * nk));
    s.group.push_back(static_cast<int>(structure[item]));
  }
  return s;
}

ml::Dataset augmented_rows(const ml::Dataset& data, const std::vector<std::size_t>& rows, const SimulatedSpectra& sim,
                           const ml::AugmentationOptions& options, std::size_t copies, bool keep_original) {
  const std::vector<std::size_t> none;
  ml::Dataset out = ml::select_rows(data, keep_original ? rows : none);
  const std::size_t base = out.rows(), add = rows.size() * copies;
  out.features.conservativeResize(static_cast<Eigen::Index>(base + add), static_cast<Eigen::Index>(data.n_features()));
  std::size_t at = base;
  for (std::size_t r : rows) {
    const auto key = static_cast<std::uint64_t>(data.item_index[r]);
    for (std::size_t c = 0; c < copies; ++c, ++at) {
      const ml::AugmentationDraw draw = ml::draw_augmentation(options, key, c);
      const std::vector<double> chi = ml::augment_chi(sim.k_invA, sim.chi[r], draw, options, key, c);
      const std::vector<double> f =
          sim.feature_set ? xafs::compute_feature_set(*sim.feature_set, sim.k_invA, chi,
                                                      data.source + ": item " + std::to_string(key) + " augmented copy " + std::to_string(c))
                          : workflows::chir_feature_row(sim.k_invA, chi, sim.features, sim.k_step_invA, sim.r_A);
      if (f.size() != data.n_features())
        throw std::logic_error("augmented_rows: " + std::to_string(f.size()) + " features for an augmented copy, " +
                               std::to_string(data.n_features()) + " in the data set (features not computed the same way)");
      for (std::size_t j = 0; j < f.size(); ++j) out.features(static_cast<Eigen::Index>(at), static_cast<Eigen::Index>(j)) = f[j];
      if (!data.labels.empty()) out.labels.push_back(data.labels[r]);
      if (!data.element_z.empty()) out.element_z.push_back(data.element_z[r]);
      if (!data.split.empty()) out.split.push_back(data.split[r]);
      if (!data.item_index.empty()) out.item_index.push_back(data.item_index[r]);
    }
  }
  if (data.task == ml::Task::kRegression) throw InputError("augmentation: only classification targets (cn) are supported");
  return out;
}

namespace {

/// Probabilities of a model over the global class list (columns of classes the fold's model
/// never saw are 0).
void add_probabilities(const ml::Model& model, const ml::TargetMatrix& p, const std::vector<int>& classes,
                       std::vector<std::vector<double>>& out) {
  for (Eigen::Index i = 0; i < p.rows(); ++i) {
    std::vector<double> row(classes.size(), 0.0);
    for (std::size_t c = 0; c < model.classes.size(); ++c) {
      const auto at = std::lower_bound(classes.begin(), classes.end(), model.classes[c]) - classes.begin();
      row[static_cast<std::size_t>(at)] = p(i, static_cast<Eigen::Index>(c));
    }
    out.push_back(std::move(row));
  }
}

std::size_t right_of(const ml::Model& model, const ml::TargetMatrix& p, const std::vector<int>& labels) {
  const auto cls = model.classes_from(p);
  std::size_t right = 0;
  for (std::size_t i = 0; i < cls.size(); ++i) right += cls[i] == labels[i];
  return right;
}

std::string fmt(double v, int digits = 4) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

}  // namespace

ml::Model train_for_measured(const boost::mpi::communicator& world, const std::string& results, const ml::Dataset& data,
                             const std::vector<std::size_t>& train, const std::vector<std::size_t>& test,
                             const ml::TrainingOptions& chosen, const MeasuredTrainingOptions& o, std::uint64_t seed,
                             nlohmann::json& report) {
  const bool root = world.rank() == 0;
  auto say = [&](const std::string& line) {
    if (root) std::printf("%s\n", line.c_str()), std::fflush(stdout);
  };
  if (data.task != ml::Task::kClassification) throw InputError("augmentation, grouped CV and calibration apply to classification (--target cn)");
  o.augment.validate();
  const bool augment = o.augment.enabled();
  SimulatedSpectra sim = load_simulated_spectra(results, data);
  sim.feature_set = o.feature_set;
  if (augment) {
    say("augment  " + o.augment.describe());
    report["augmentation"] = o.augment.describe();
  }
  // Every training row and its copies, computed once: row train[i] is at i, its copy c at
  // n + i·copies + c. Folds and the final fit select from this block.
  const std::size_t n = train.size(), copies = augment ? o.augment.copies : 0;
  const ml::Dataset all = augment ? augmented_rows(data, train, sim, o.augment, copies, true) : ml::select_rows(data, train);
  std::vector<std::size_t> position(data.rows(), 0);
  for (std::size_t i = 0; i < n; ++i) position[train[i]] = i;
  auto fit_set = [&](const std::vector<std::size_t>& rows) {
    std::vector<std::size_t> idx;
    for (std::size_t r : rows) idx.push_back(position[r]);
    for (std::size_t r : rows)
      for (std::size_t c = 0; c < copies; ++c) idx.push_back(n + position[r] * copies + c);
    return ml::select_rows(all, idx);
  };
  auto first_copies = [&](const std::vector<std::size_t>& rows) {
    std::vector<std::size_t> idx;
    for (std::size_t r : rows) idx.push_back(n + position[r] * copies);
    return ml::select_rows(all, idx);
  };

  const std::vector<int> classes = ml::distinct_classes([&] {
    std::vector<int> l;
    for (std::size_t r : train) l.push_back(data.labels[r]);
    return l;
  }());
  const std::size_t k = o.grouped_folds;
  ml::Calibration calibration;
  if (o.calibrate && k < 2) throw std::logic_error("train_for_measured: calibration without grouped folds");
  if (k > 0) {
    const auto folds = ml::grouped_kfold_splits(sim.group, data.labels, train, k, seed);
    std::vector<std::vector<double>> oof;
    std::vector<std::size_t> truth, fold_of_row;
    std::size_t right_clean = 0, n_clean = 0, right_aug = 0, n_aug = 0;
    std::vector<int> oof_true, oof_pred, oof_z;  // the simulated (clean) held-out rows
    for (std::size_t f = 0; f < k; ++f) {
      std::vector<std::size_t> fit_rows;
      std::set_difference(train.begin(), train.end(), folds[f].begin(), folds[f].end(), std::back_inserter(fit_rows));
      const ml::Dataset fit = fit_set(fit_rows);
      const ml::Model m = mpi::train_model_distributed(world, fit, ml::all_rows(fit), chosen);
      std::vector<ml::Dataset> held{ml::select_rows(data, folds[f])};
      if (augment) held.push_back(first_copies(folds[f]));
      for (std::size_t h = 0; h < held.size(); ++h) {
        const ml::TargetMatrix p = mpi::predict_distributed(world, m, held[h].features);
        (h == 0 ? right_clean : right_aug) += right_of(m, p, held[h].labels);
        if (h == 0) {
          const auto cls = m.classes_from(p);
          oof_true.insert(oof_true.end(), held[h].labels.begin(), held[h].labels.end());
          oof_pred.insert(oof_pred.end(), cls.begin(), cls.end());
          oof_z.insert(oof_z.end(), held[h].element_z.begin(), held[h].element_z.end());
        }
        (h == 0 ? n_clean : n_aug) += held[h].rows();
        add_probabilities(m, p, classes, oof);
        for (int label : held[h].labels) {
          truth.push_back(static_cast<std::size_t>(std::lower_bound(classes.begin(), classes.end(), label) - classes.begin()));
          fold_of_row.push_back(f);
        }
      }
    }
    nlohmann::json g = {{"folds", k}, {"grouped_by", "structure"}, {"rows", n_clean},
                        {"accuracy", static_cast<double>(right_clean) / static_cast<double>(n_clean)}};
    say("groupcv  " + std::to_string(k) + "-fold by structure: accuracy " + fmt(g["accuracy"].get<double>()) + " on " +
        std::to_string(n_clean) + " simulated rows");
    if (n_aug > 0) {
      g["accuracy_augmented"] = static_cast<double>(right_aug) / static_cast<double>(n_aug);
      say("groupcv  accuracy on one augmented copy of each held-out row: " + fmt(g["accuracy_augmented"].get<double>()));
    }
    const auto cm = ml::confusion_matrix(oof_true, oof_pred);
    report["cv_confusion"] = {{"classes", cm.classes}, {"counts", cm.counts}};
    if (oof_z.size() == oof_true.size() && !oof_z.empty() && !report.contains("per_element")) {
      nlohmann::json per;
      for (const auto& [z, e] : ml::accuracy_by_element(oof_z, oof_true, oof_pred))
        per[std::to_string(z)] = {{"rows", e.rows}, {"accuracy", e.accuracy}};
      report["per_element"] = per;
    }
    report["group_cv"] = g;
    if (o.calibrate) {
      ml::TargetMatrix p(static_cast<Eigen::Index>(oof.size()), static_cast<Eigen::Index>(classes.size()));
      for (std::size_t i = 0; i < oof.size(); ++i)
        for (std::size_t c = 0; c < classes.size(); ++c) p(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = oof[i][c];
      calibration = ml::fit_calibration(p, truth, fold_of_row, 1.0e-3, o.unsure_below);
      say("calib    temperature " + fmt(calibration.temperature, 3) + " on " + std::to_string(calibration.rows) +
          " out-of-fold rows; expected calibration error " + fmt(calibration.ece_before) + " -> " + fmt(calibration.ece_after) +
          " (after: temperature fitted on the other folds); NLL " + fmt(calibration.nll_before) + " -> " + fmt(calibration.nll_after));
      say("calib    top probability < " + fmt(o.unsure_below, 2) + " (flagged unsure): " + fmt(100 * calibration.fraction_unsure, 1) +
          " % of rows, accuracy " + fmt(calibration.accuracy_unsure) + "; the others " + fmt(calibration.accuracy_sure));
      nlohmann::json bins = nlohmann::json::array();
      for (std::size_t b = 0; b < calibration.reliability_after.size(); ++b) {
        const auto& x = calibration.reliability_before[b];
        const auto& y = calibration.reliability_after[b];
        bins.push_back({{"lo", x.lo}, {"hi", x.hi}, {"count_before", x.count}, {"confidence_before", x.mean_confidence},
                        {"accuracy_before", x.accuracy}, {"count_after", y.count}, {"confidence_after", y.mean_confidence},
                        {"accuracy_after", y.accuracy}});
      }
      report["calibration"] = {{"method", "temperature"}, {"temperature", calibration.temperature}, {"rows", calibration.rows},
                               {"ece_before", calibration.ece_before}, {"ece_after", calibration.ece_after},
                               {"nll_before", calibration.nll_before}, {"nll_after", calibration.nll_after},
                               {"unsure_below", o.unsure_below}, {"fraction_unsure", calibration.fraction_unsure},
                               {"accuracy_unsure", calibration.accuracy_unsure}, {"accuracy_sure", calibration.accuracy_sure},
                               {"reliability", bins}};
    }
  }

  const ml::Dataset& fit = all;
  say("fit      " + std::to_string(fit.rows()) + " rows (" + std::to_string(train.size()) + " simulated" +
      (augment ? " + " + std::to_string(fit.rows() - train.size()) + " augmented copies" : std::string()) + ")");
  ml::Model model = mpi::train_model_distributed(world, fit, ml::all_rows(fit), chosen);
  model.calibration = calibration;
  if (!sim.feature_set) {  // a feature set carries its own transform (model.feature_set)
    model.reduction.known = true;
    model.reduction.kmin_invA = sim.features.k_min_invA;
    model.reduction.kmax_invA = sim.features.k_max_invA;
    model.reduction.dk_invA = sim.features.dk_invA;
    model.reduction.kweight = sim.features.kweight;
    model.reduction.window = sim.features.window;
  }
  if (augment) model.augmentation = o.augment.describe();
  if (augment && !test.empty()) {
    const ml::Dataset t = augmented_rows(data, test, sim, o.augment, 1, false);
    const double acc = static_cast<double>(right_of(model, mpi::predict_distributed(world, model, t.features), t.labels)) /
                       static_cast<double>(t.rows());
    say("test     accuracy on one augmented copy of each held-out row: " + fmt(acc));
    report["test_augmented_accuracy"] = acc;
  }
  return model;
}

}  // namespace xasforge::cli
