// `xasforge predict MODEL INPUT...`: apply a model file to results files (HDF5), feature CSVs or
// (through the data-reduction stage) measured spectra. Rows are shared over the ranks under mpirun.
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>

#include "core/error.hpp"
#include "core/ml/calibration.hpp"
#include "core/ml/feature_csv.hpp"
#include "core/ml/model_file.hpp"
#include "mpi/dataset_loader.hpp"
#include "mpi/distributed_learning.hpp"
#include "workflows/cli/commands.hpp"
#include "workflows/cli/feature_set_inputs.hpp"
#include "workflows/cli/measured_spectrum_features.hpp"
#include "mpi/results_layout.hpp"

namespace xasforge::cli {
namespace {

struct PredictOptions {
  std::string model;
  std::vector<std::string> inputs;
  std::string output;
  bool probabilities = false;
  MeasuredReadOptions measured;  ///< --energy-column, --mu, --e0, --kmin, --kmax
  bool quiet = false;
};

/// Values per row of the first data line of a CSV (0 when there is none).
std::size_t csv_width(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::size_t n = 1;
    for (char c : line) n += c == ',';
    char* end = nullptr;
    std::strtod(line.c_str(), &end);
    if (end != line.c_str()) return n;  // a numeric row (a header line is skipped)
  }
  return 0;
}

bool ends_with(const std::string& s, const std::string& e) {
  return s.size() >= e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0;
}

/// Feature rows of one input, and the item index of each row (-1 when not from a results file).
ml::FeatureMatrix input_features(const std::string& path, const ml::Model& model, std::vector<long>& items,
                                 const MeasuredReadOptions& measured, std::vector<std::string>& notes) {
  items.clear();
  ml::FeatureMatrix x;
  if (model.feature_set) {
    // A model trained on a named feature set: every input becomes chi(k) first, then the set.
    if (ends_with(path, ".h5") || ends_with(path, ".hdf5")) {
      mpi::DatasetRequest request;
      request.features = "chi";
      request.target = "none";
      ml::Dataset d = mpi::load_dataset(path, request);
      apply_feature_set(d, *model.feature_set);
      items = d.item_index;
      x = std::move(d.features);
    } else if (is_chi_k_file(path)) {
      x = feature_set_row_from_chi_file(path, *model.feature_set);
    } else if (is_measured_spectrum(path)) {
      x = feature_set_row_from_measured(path, *model.feature_set);
    } else {
      x = ml::read_feature_csv(path);
    }
  } else if (ends_with(path, ".h5") || ends_with(path, ".hdf5")) {
    mpi::DatasetRequest request;
    request.features = model.feature_name;
    request.target = "none";
    const ml::Dataset d = mpi::load_dataset(path, request);
    if (!model.feature_grid.empty() && !d.feature_grid.empty()) {
      bool same = d.feature_grid.size() == model.feature_grid.size();
      for (std::size_t i = 0; same && i < d.feature_grid.size(); ++i)
        same = std::abs(d.feature_grid[i] - model.feature_grid[i]) <= 1e-9 * (1.0 + std::abs(model.feature_grid[i]));
      if (!same) throw InputError(path + ": the feature grid of " + model.feature_name + " differs from the model's");
    }
    items = d.item_index;
    x = d.features;
  } else if (is_measured_spectrum(path) || (ends_with(path, ".csv") && model.feature_name == mpi::block_paths::kChirMag &&
                                               csv_width(path) != model.n_features())) {
    MeasuredReduction info;
    x = measured_spectrum_features(path, model, measured, &info);
    char buf[512];
    std::snprintf(buf, sizeof buf, "%s: energy %s, mu %s, E0 %.2f eV, edge step %.4g, data to k %.1f Å⁻¹, FT k %.1f-%.1f Å⁻¹",
                  path.c_str(), info.energy_column.c_str(), info.mu_expression.c_str(), info.e0_eV, info.edge_step,
                  info.k_last_invA, info.kmin_invA, info.kmax_invA);
    notes.push_back(buf);
    for (const auto& w : info.warnings) notes.push_back("warning: " + w);
  } else {
    x = ml::read_feature_csv(path);
  }
  if (static_cast<std::size_t>(x.cols()) != model.n_features())
    throw InputError(path + ": " + std::to_string(x.cols()) + " features per row; the model expects " +
                     std::to_string(model.n_features()) + " (" + model.feature_name + ")");
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      if (!std::isfinite(x(i, j)))
        throw InputError(path + ": row " + std::to_string(i) + ", feature " + std::to_string(j) + " is not finite");
  if (items.empty()) items.assign(static_cast<std::size_t>(x.rows()), -1);
  return x;
}

void run_predict(const PredictOptions& o) {
  boost::mpi::communicator world;
  const bool root = world.rank() == 0;
  const ml::Model model = ml::load_model(o.model);
  std::ofstream file;
  if (root && !o.output.empty()) {
    file.open(o.output);
    if (!file) throw InputError(o.output + ": cannot write predictions");
  }
  std::ostream& out = o.output.empty() ? std::cout : file;
  const bool classify = model.task == ml::Task::kClassification;
  if (root && classify && !o.quiet) {
    if (model.calibration.fitted)
      std::fprintf(stderr, "model: probabilities calibrated (temperature %.3f; held-out expected calibration error %.3f -> %.3f); "
                   "'unsure' when the top probability is below %.2f\n", model.calibration.temperature,
                   model.calibration.ece_before, model.calibration.ece_after, model.calibration.unsure_below);
    else
      std::fprintf(stderr, "model: probabilities NOT calibrated (trained without --calibrate); 'unsure' below %.2f\n",
                   model.calibration.unsure_below);
  }
  if (root) {
    out << "input,row,item,prediction";
    if (classify && o.probabilities)
      for (int c : model.classes) out << ",p_" << c;
    if (classify) out << ",p_top,second,p_second,unsure";
    if (model.task == ml::Task::kRegression)
      for (std::size_t j = 1; j < model.n_outputs(); ++j) out << ",y" << j;
    out << '\n';
  }
  for (const auto& input : o.inputs) {
    std::vector<long> items;
    std::vector<std::string> notes;
    const ml::FeatureMatrix x = input_features(input, model, items, o.measured, notes);
    const ml::TargetMatrix p =
        classify ? model.calibration.apply(mpi::predict_distributed(world, model, x)) : mpi::predict_distributed(world, model, x);
    if (!root) continue;
    if (!o.quiet)
      for (const auto& n : notes) std::fprintf(stderr, "%s\n", n.c_str());
    const std::vector<int> cls = model.task == ml::Task::kClassification ? model.classes_from(p) : std::vector<int>{};
    char buf[64];
    for (Eigen::Index i = 0; i < p.rows(); ++i) {
      out << input << ',' << i << ',' << items[static_cast<std::size_t>(i)];
      if (model.task == ml::Task::kClassification) {
        out << ',' << cls[static_cast<std::size_t>(i)];
        if (o.probabilities)
          for (Eigen::Index j = 0; j < p.cols(); ++j) {
            std::snprintf(buf, sizeof buf, ",%.6g", p(i, j));
            out << buf;
          }
        const ml::TopTwo t = ml::top_two(p, i);
        std::snprintf(buf, sizeof buf, ",%.6g,%d,%.6g,%d", t.p_first, model.classes[t.second], t.p_second,
                      t.p_first < model.calibration.unsure_below ? 1 : 0);
        out << buf;
      } else {
        for (Eigen::Index j = 0; j < p.cols(); ++j) {
          std::snprintf(buf, sizeof buf, ",%.9g", p(i, j));
          out << buf;
        }
      }
      out << '\n';
    }
  }
  out.flush();
}

}  // namespace

void add_predict_command(CLI::App& app) {
  auto o = std::make_shared<PredictOptions>();
  CLI::App* cmd = app.add_subcommand("predict", "Apply a model file to results files, feature CSVs or measured spectra");
  cmd->add_option("model", o->model, "Model file written by xasforge train")->required();
  cmd->add_option("inputs", o->inputs, "Results files (.h5), feature CSVs, measured spectra (.xdi), or (feature-set models) chi(k) files (chi.dat, k,chi .csv)")->required();
  cmd->add_option("-o,--output", o->output, "CSV file for the predictions (default: stdout)");
  cmd->add_flag("--probabilities", o->probabilities, "Also print every class probability (calibrated when the model is)");
  cmd->add_option("--energy-column", o->measured.energy_column,
                  "Measured spectra: energy column (label or colN; default: a column labelled energy/e, else col1)");
  cmd->add_option("--mu", o->measured.mu_expression,
                  "Measured spectra: mu expression, e.g. ln(col2/col3) or ifluor/i0 (default: from the labels)");
  cmd->add_option("--e0", o->measured.e0_eV, "Measured spectra: edge energy E0 in eV (default: found as Larch's find_e0)");
  cmd->add_option("--kmin", o->measured.kmin_invA, "Measured spectra: Fourier transform k min (default: the model's)");
  cmd->add_option("--kmax", o->measured.kmax_invA, "Measured spectra: Fourier transform k max (default: the model's)");
  cmd->add_flag("--quiet", o->quiet, "No per-spectrum reduction notes on stderr");
  cmd->callback([o] {
    static std::unique_ptr<boost::mpi::environment> env;
    if (!env) env = std::make_unique<boost::mpi::environment>();
    run_predict(*o);
  });
}

}  // namespace xasforge::cli
