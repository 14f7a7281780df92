#include "core/ml/model_file.hpp"

#include <cstring>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace xasforge::ml {
namespace {

using json = nlohmann::json;

json::binary_t doubles_to_binary(const double* v, std::size_t n) {
  json::binary_t b;
  b.resize(n * sizeof(double));
  std::memcpy(b.data(), v, n * sizeof(double));
  return b;
}

std::vector<double> binary_to_doubles(const json& j, const std::string& where) {
  if (!j.is_binary()) throw InputError(where + ": expected a byte string of f64 values");
  const auto& b = j.get_binary();
  if (b.size() % sizeof(double) != 0) throw InputError(where + ": byte string length is not a multiple of 8");
  std::vector<double> v(b.size() / sizeof(double));
  std::memcpy(v.data(), b.data(), b.size());
  return v;
}

std::string task_name(Task t) { return t == Task::kClassification ? "classification" : "regression"; }

json forest_options_json(const ForestOptions& o) {
  return {{"trees", o.n_trees},          {"max_features", o.max_features}, {"max_depth", o.max_depth},
          {"min_samples_leaf", o.min_samples_leaf}, {"min_samples_split", o.min_samples_split},
          {"criterion", o.criterion},    {"bootstrap", o.bootstrap},       {"class_weight", o.class_weight},
          {"max_bins", o.max_bins},      {"seed", o.seed}};
}

ForestOptions forest_options_from(const json& j) {
  ForestOptions o;
  o.n_trees = j.at("trees").get<std::size_t>();
  o.max_features = j.at("max_features").get<std::string>();
  o.max_depth = j.at("max_depth").get<int>();
  o.min_samples_leaf = j.at("min_samples_leaf").get<std::size_t>();
  o.min_samples_split = j.at("min_samples_split").get<std::size_t>();
  o.criterion = j.at("criterion").get<std::string>();
  o.bootstrap = j.at("bootstrap").get<bool>();
  o.class_weight = j.at("class_weight").get<std::string>();
  o.max_bins = j.at("max_bins").get<int>();
  o.seed = j.at("seed").get<std::uint64_t>();
  return o;
}

json bins_json(const std::vector<ReliabilityBin>& bins) {
  json a = json::array();
  for (const auto& b : bins)
    a.push_back({{"lo", b.lo}, {"hi", b.hi}, {"count", b.count}, {"confidence", b.mean_confidence}, {"accuracy", b.accuracy}});
  return a;
}

std::vector<ReliabilityBin> bins_from(const json& a) {
  std::vector<ReliabilityBin> bins;
  for (const auto& e : a) {
    ReliabilityBin b;
    b.lo = e.at("lo").get<double>();
    b.hi = e.at("hi").get<double>();
    b.count = e.at("count").get<std::size_t>();
    b.mean_confidence = e.at("confidence").get<double>();
    b.accuracy = e.at("accuracy").get<double>();
    bins.push_back(b);
  }
  return bins;
}

/// Version-2 keys (measured spectra): written only when set, so other models' files are unchanged.
void write_measured_keys(json& j, const Model& m) {
  const Calibration& c = m.calibration;
  if (c.fitted)
    j["calibration"] = {{"method", "temperature"},
                        {"temperature", c.temperature},
                        {"epsilon", c.epsilon},
                        {"unsure_below", c.unsure_below},
                        {"rows", c.rows},
                        {"ece_before", c.ece_before},
                        {"ece_after", c.ece_after},
                        {"nll_before", c.nll_before},
                        {"nll_after", c.nll_after},
                        {"accuracy_sure", c.accuracy_sure},
                        {"accuracy_unsure", c.accuracy_unsure},
                        {"fraction_unsure", c.fraction_unsure},
                        {"reliability_before", bins_json(c.reliability_before)},
                        {"reliability_after", bins_json(c.reliability_after)}};
  const SpectrumReduction& r = m.reduction;
  if (r.known)
    j["reduction"] = {{"kmin", r.kmin_invA}, {"kmax", r.kmax_invA}, {"dk", r.dk_invA}, {"kweight", r.kweight}, {"window", r.window}};
  if (!m.augmentation.empty()) j["augmentation"] = m.augmentation;
}

void read_measured_keys(const json& j, Model& m, const std::string& where) {
  if (j.contains("calibration")) {
    const auto& cj = j.at("calibration");
    if (cj.at("method").get<std::string>() != "temperature")
      throw InputError(where + ": calibration method '" + cj.at("method").get<std::string>() + "' is not known");
    Calibration& c = m.calibration;
    c.fitted = true;
    c.temperature = cj.at("temperature").get<double>();
    c.epsilon = cj.at("epsilon").get<double>();
    if (!(c.temperature > 0.0) || !(c.epsilon > 0.0)) throw InputError(where + ": calibration temperature and epsilon must be > 0");
    c.unsure_below = cj.at("unsure_below").get<double>();
    c.rows = cj.at("rows").get<std::size_t>();
    c.ece_before = cj.at("ece_before").get<double>();
    c.ece_after = cj.at("ece_after").get<double>();
    c.nll_before = cj.at("nll_before").get<double>();
    c.nll_after = cj.at("nll_after").get<double>();
    c.accuracy_sure = cj.at("accuracy_sure").get<double>();
    c.accuracy_unsure = cj.at("accuracy_unsure").get<double>();
    c.fraction_unsure = cj.at("fraction_unsure").get<double>();
    c.reliability_before = bins_from(cj.at("reliability_before"));
    c.reliability_after = bins_from(cj.at("reliability_after"));
  }
  if (j.contains("reduction")) {
    const auto& rj = j.at("reduction");
    SpectrumReduction& r = m.reduction;
    r.known = true;
    r.kmin_invA = rj.at("kmin").get<double>();
    r.kmax_invA = rj.at("kmax").get<double>();
    r.dk_invA = rj.at("dk").get<double>();
    r.kweight = rj.at("kweight").get<double>();
    r.window = rj.at("window").get<std::string>();
  }
  if (j.contains("augmentation")) m.augmentation = j.at("augmentation").get<std::string>();
}

json boosting_options_json(const BoostingOptions& o) {
  return {{"rounds", o.rounds},         {"learning_rate", o.learning_rate}, {"max_leaves", o.max_leaves},
          {"max_depth", o.max_depth},   {"min_samples_leaf", o.min_samples_leaf}, {"l2", o.l2},
          {"min_gain", o.min_gain},     {"feature_fraction", o.feature_fraction}, {"max_bins", o.max_bins},
          {"class_weight", o.class_weight}, {"seed", o.seed}};
}

BoostingOptions boosting_options_from(const json& j) {
  BoostingOptions o;
  o.rounds = j.at("rounds").get<std::size_t>();
  o.learning_rate = j.at("learning_rate").get<double>();
  o.max_leaves = j.at("max_leaves").get<std::size_t>();
  o.max_depth = j.at("max_depth").get<int>();
  o.min_samples_leaf = j.at("min_samples_leaf").get<std::size_t>();
  o.l2 = j.at("l2").get<double>();
  o.min_gain = j.at("min_gain").get<double>();
  o.feature_fraction = j.at("feature_fraction").get<double>();
  o.max_bins = j.at("max_bins").get<int>();
  o.class_weight = j.at("class_weight").get<std::string>();
  o.seed = j.at("seed").get<std::uint64_t>();
  return o;
}

json feature_set_json(const xafs::FeatureSetSpec& s) {
  return {{"blocks", s.blocks_text()}, {"k", {s.kmin_invA, s.kmax_invA}}, {"dk", s.dk_invA},
          {"window", s.window},        {"r", {s.rmin_A, s.rmax_A}},       {"r_step", s.r_step_A},
          {"k_step", s.k_step_invA},   {"n_peaks", s.n_peaks},            {"peak_rmin", s.peak_rmin_A}};
}

xafs::FeatureSetSpec feature_set_from(const json& j) {
  xafs::FeatureSetSpec s = xafs::parse_feature_set(j.at("blocks").get<std::string>());
  const auto k = j.at("k").get<std::vector<double>>(), r = j.at("r").get<std::vector<double>>();
  if (k.size() != 2 || r.size() != 2) throw InputError("feature_set: k and r must be [low, high]");
  s.kmin_invA = k[0];
  s.kmax_invA = k[1];
  s.dk_invA = j.at("dk").get<double>();
  s.window = j.at("window").get<std::string>();
  s.rmin_A = r[0];
  s.rmax_A = r[1];
  s.r_step_A = j.at("r_step").get<double>();
  s.k_step_invA = j.at("k_step").get<double>();
  s.n_peaks = j.at("n_peaks").get<int>();
  s.peak_rmin_A = j.at("peak_rmin").get<double>();
  xafs::check_feature_set(s);
  return s;
}

std::vector<std::uint8_t> tree_bytes(const DecisionTree& t) {
  const std::string b = t.to_bytes();
  return std::vector<std::uint8_t>(b.begin(), b.end());
}

}  // namespace

std::string model_to_bytes(const Model& m) {
  json j;
  j["format"] = "xasforge-model";
  j["version"] = kModelFileVersion;
  j["model"] = to_string(m.kind);
  j["task"] = task_name(m.task);
  j["classes"] = m.classes;
  j["target"] = m.target_name;
  if (!m.target_grid.empty()) j["target_grid"] = {{"grid", m.target_grid}, {"weight", m.target_grid_weight}};
  j["features"] = {{"dataset", m.feature_name}, {"grid", m.feature_grid}, {"n", m.n_features()}};
  j["normalization"] = {{"kind", to_string(m.normalization.kind)},
                        {"offset", m.normalization.offset},
                        {"scale", m.normalization.scale}};
  if (m.feature_set) j["feature_set"] = feature_set_json(*m.feature_set);
  if (m.kind == ModelKind::kGradientBoosting) {
    json trees = json::array();
    for (const auto& t : m.boosting.trees) trees.push_back(json::binary_t(tree_bytes(t)));
    j["boosting"] = {{"options", boosting_options_json(m.boosting.options)},
                     {"n_features", m.boosting.n_features},
                     {"n_outputs", m.boosting.n_outputs},
                     {"base_score", m.boosting.base_score},
                     {"trees", std::move(trees)}};
  } else if (m.kind == ModelKind::kRandomForest) {
    json trees = json::array();
    for (const auto& t : m.forest.trees) {
      const std::string b = t.to_bytes();
      trees.push_back(json::binary_t(std::vector<std::uint8_t>(b.begin(), b.end())));
    }
    j["forest"] = {{"options", forest_options_json(m.forest.options)},
                   {"n_features", m.forest.n_features},
                   {"n_outputs", m.forest.n_outputs},
                   {"trees", std::move(trees)}};
  } else {
    const auto& n = m.network;
    j["network"] = {{"layers", n.layers},
                    {"activation", "relu"},
                    {"output", n.task == Task::kClassification ? "softmax" : "linear"},
                    {"target_mean", n.target_mean},
                    {"target_scale", n.target_scale},
                    {"parameters", doubles_to_binary(n.parameters.data(), static_cast<std::size_t>(n.parameters.size()))}};
  }
  write_measured_keys(j, m);
  const auto cbor = json::to_cbor(j);
  return std::string(cbor.begin(), cbor.end());
}

Model model_from_bytes(const std::string& bytes, const std::string& where) {
  json j;
  try {
    j = json::from_cbor(bytes.begin(), bytes.end());
  } catch (const json::exception& e) {
    throw InputError(where + ": not an xasforge model file (CBOR: " + std::string(e.what()) + ")");
  }
  try {
    if (!j.is_object() || j.value("format", "") != "xasforge-model")
      throw InputError(where + ": not an xasforge model file (format key is not 'xasforge-model')");
    const int version = j.at("version").get<int>();
    if (version > kModelFileVersion || version < 1)
      throw InputError(where + ": model file version " + std::to_string(version) + "; this xasforge reads version " +
                       std::to_string(kModelFileVersion));
    Model m;
    m.kind = parse_model_kind(j.at("model").get<std::string>());
    m.task = j.at("task").get<std::string>() == "regression" ? Task::kRegression : Task::kClassification;
    m.classes = j.at("classes").get<std::vector<int>>();
    m.target_name = j.at("target").get<std::string>();
    if (j.contains("target_grid")) {  // optional (regression on a grid); absent in older files
      m.target_grid = j.at("target_grid").at("grid").get<std::vector<double>>();
      m.target_grid_weight = j.at("target_grid").at("weight").get<int>();
    }
    m.feature_name = j.at("features").at("dataset").get<std::string>();
    m.feature_grid = j.at("features").at("grid").get<std::vector<double>>();
    const auto& nj = j.at("normalization");
    m.normalization.kind = parse_normalization(nj.at("kind").get<std::string>());
    m.normalization.offset = nj.at("offset").get<std::vector<double>>();
    m.normalization.scale = nj.at("scale").get<std::vector<double>>();
    if (j.contains("feature_set")) m.feature_set = feature_set_from(j.at("feature_set"));
    if (m.kind == ModelKind::kGradientBoosting) {
      const auto& bj = j.at("boosting");
      auto& b = m.boosting;
      b.task = m.task;
      b.classes = m.classes;
      b.options = boosting_options_from(bj.at("options"));
      b.n_features = bj.at("n_features").get<std::size_t>();
      b.n_outputs = bj.at("n_outputs").get<std::size_t>();
      b.base_score = bj.at("base_score").get<std::vector<double>>();
      if (b.base_score.size() != b.n_outputs || b.n_outputs == 0)
        throw InputError(where + ": boosting.base_score has " + std::to_string(b.base_score.size()) + " values for " +
                         std::to_string(b.n_outputs) + " outputs");
      if (m.task == Task::kClassification && m.classes.size() != b.n_outputs)
        throw InputError(where + ": boosting has " + std::to_string(b.n_outputs) + " outputs for " + std::to_string(m.classes.size()) + " classes");
      for (const auto& t : bj.at("trees")) {
        if (!t.is_binary()) throw InputError(where + ": boosting.trees holds a non-binary entry");
        const auto& blob = t.get_binary();
        auto tree = DecisionTree::from_bytes(std::string(blob.begin(), blob.end()));
        if (tree.n_outputs != 1) throw InputError(where + ": a boosting tree must have one value per leaf");
        for (const auto& node : tree.nodes)
          if (node.feature >= static_cast<std::int32_t>(b.n_features))
            throw InputError(where + ": a tree splits on feature " + std::to_string(node.feature) + " of " + std::to_string(b.n_features));
        b.trees.push_back(std::move(tree));
      }
      if (b.trees.size() % b.n_outputs != 0)
        throw InputError(where + ": " + std::to_string(b.trees.size()) + " boosting trees is not a multiple of " + std::to_string(b.n_outputs) + " outputs");
    } else if (m.kind == ModelKind::kRandomForest) {
      const auto& fj = j.at("forest");
      m.forest.task = m.task;
      m.forest.classes = m.classes;
      m.forest.options = forest_options_from(fj.at("options"));
      m.forest.n_features = fj.at("n_features").get<std::size_t>();
      m.forest.n_outputs = fj.at("n_outputs").get<std::size_t>();
      for (const auto& t : fj.at("trees")) {
        if (!t.is_binary()) throw InputError(where + ": forest.trees holds a non-binary entry");
        const auto& b = t.get_binary();
        auto tree = DecisionTree::from_bytes(std::string(b.begin(), b.end()));
        if (tree.n_outputs != m.forest.n_outputs) throw InputError(where + ": a tree's output count differs from the forest's");
        for (const auto& node : tree.nodes)
          if (node.feature >= static_cast<std::int32_t>(m.forest.n_features))
            throw InputError(where + ": a tree splits on feature " + std::to_string(node.feature) + " of " +
                             std::to_string(m.forest.n_features));
        m.forest.trees.push_back(std::move(tree));
      }
    } else {
      const auto& nj2 = j.at("network");
      m.network.task = m.task;
      m.network.classes = m.classes;
      m.network.layers = nj2.at("layers").get<std::vector<std::size_t>>();
      m.network.target_mean = nj2.at("target_mean").get<std::vector<double>>();
      m.network.target_scale = nj2.at("target_scale").get<std::vector<double>>();
      const auto p = binary_to_doubles(nj2.at("parameters"), where + ": network.parameters");
      std::size_t expected = 0;
      for (std::size_t l = 1; l < m.network.layers.size(); ++l)
        expected += m.network.layers[l] * m.network.layers[l - 1] + m.network.layers[l];
      if (p.size() != expected)
        throw InputError(where + ": network has " + std::to_string(p.size()) + " parameters, layers need " + std::to_string(expected));
      m.network.parameters = Eigen::Map<const Eigen::VectorXd>(p.data(), static_cast<Eigen::Index>(p.size()));
    }
    read_measured_keys(j, m, where);
    if (!m.normalization.offset.empty() && m.normalization.offset.size() != m.n_features())
      throw InputError(where + ": normalization has " + std::to_string(m.normalization.offset.size()) +
                       " features, model " + std::to_string(m.n_features()));
    return m;
  } catch (const json::exception& e) {
    throw InputError(where + ": malformed model file: " + std::string(e.what()));
  }
}

void save_model(const std::string& path, const Model& model) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw InputError(path + ": cannot open for writing the model");
  const std::string b = model_to_bytes(model);
  out.write(b.data(), static_cast<std::streamsize>(b.size()));
  if (!out) throw InputError(path + ": write failed");
}

Model load_model(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open model file");
  const std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return model_from_bytes(b, path);
}

}  // namespace xasforge::ml
