#include "workflows/campaign_config.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <regex>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "core/error.hpp"
#include "core/structure/readers.hpp"
#include "workflows/campaign_schema.hpp"

namespace xasforge::workflows {
namespace {

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string canonical_number(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

/// Every leaf key of the schema with its kind, for canonicalising values before hashing.
void leaf_kinds(const SchemaNode& n, const std::string& prefix, std::map<std::string, ValueKind>& out) {
  for (const auto& c : n.children) {
    const std::string key = prefix.empty() ? c.key : prefix + "." + c.key;
    if (c.kind == ValueKind::kMap)
      leaf_kinds(c, key, out);
    else
      out[key] = c.kind;
  }
}

std::string hash_resolved(const ResolvedCampaign& r) {
  std::map<std::string, ValueKind> kinds;
  leaf_kinds(campaign_schema(), "", kinds);
  std::string canon;
  // Keys added with the ensemble kinds count only when their kind is in use, so that campaigns
  // written before them keep their hash (and their results files resume).
  static const std::map<std::string, std::string> kind_only = {
      {"ensemble.md.potential", "md"},      {"ensemble.md.einstein_temperature", "md"},
      {"ensemble.md.thermostat", "md"},     {"ensemble.md.cell", "md"}, {"ensemble.trajectory.types", "trajectory"},     {"ensemble.rmc.space", "rmc"},
      {"ensemble.rmc.r", "rmc"},            {"ensemble.rmc.temperature", "rmc"},
      {"ensemble.rmc.supercell_min_A", "rmc"}, {"ensemble.rmc.start_displacement", "rmc"}};
  const std::string ensemble_kind = r.values.at("ensemble.kind").Scalar();
  for (const auto& [key, node] : r.values) {  // std::map: sorted keys
    if (key.rfind("output.", 0) == 0 || key.rfind("scheduler.", 0) == 0) continue;
    // Training-only keys for measured spectra change the model, not the results file: not hashed,
    // so campaigns written before them keep their hash.
    if (key.rfind("train.augment.", 0) == 0 || key == "train.calibrate" || key == "train.group_cv" ||
        key == "train.unsure_below")
      continue;
    if (auto it = kind_only.find(key); it != kind_only.end() && it->second != ensemble_kind) continue;
    // The force-constant σ² keys count only for the models that use them (same reason).
    if (key.rfind("scattering.debye_waller.", 0) == 0) {
      const std::string model = r.values.at("scattering.debye_waller.model").Scalar();
      const bool fc = model == "equation_of_motion" || model == "recursion" || model == "normal_modes" || model == "hybrid";
      if (key == "scattering.debye_waller.force_constant_scale" && !fc) continue;
      if (key == "scattering.debye_waller.recursion_levels" && model != "recursion" && model != "hybrid") continue;
    }
    std::string value;
    const ValueKind kind = kinds.at(key);
    if (kind == ValueKind::kReal) {
      value = canonical_number(node.as<double>());
    } else if (kind == ValueKind::kRange) {
      value = "[" + canonical_number(node[0].as<double>()) + "," + canonical_number(node[1].as<double>()) + "]";
    } else if (kind == ValueKind::kBool) {
      value = node.as<bool>() ? "true" : "false";
    } else if (kind == ValueKind::kInt) {
      value = std::to_string(node.as<long long>());
    } else if (node.IsSequence()) {
      for (const auto& e : node) value += e.Scalar() + ",";
    } else {
      value = node.Scalar();
    }
    canon += key + "=" + value + "\n";
  }
  // The train section's presence matters even when all its keys are defaults.
  canon += std::string("train.requested=") + (r.has("train") ? "1" : "0") + "\n";
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a(canon)));
  return hex;
}

/// Seconds or items from an interval string validated by the schema ("60s", "5min", "2h",
/// "100 items", "none").
void parse_interval(const std::string& text, double& seconds, std::int64_t& items) {
  seconds = 0;
  items = 0;
  if (text == "none" || text == "0") return;
  static const std::regex re(R"(^\s*([0-9]+(\.[0-9]*)?)\s*(s|sec|min|h|items?)\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) throw InputError("invalid interval '" + text + "'");
  const double x = std::stod(m[1].str());
  const std::string unit = m[3].str();
  if (unit.rfind("item", 0) == 0)
    items = static_cast<std::int64_t>(x);
  else
    seconds = x * (unit == "min" ? 60.0 : unit == "h" ? 3600.0 : 1.0);
}

std::string resolve_path(const std::filesystem::path& base, const std::string& p) {
  const std::filesystem::path path(p);
  if (path.is_absolute()) return p;
  return (base / path).lexically_normal().string();
}

}  // namespace

namespace {
template <class T>
const T& kind_settings(const EnsembleSettings& e, const char* kind) {
  if (const T* t = std::get_if<T>(&e.settings)) return *t;
  throw std::logic_error(std::string("EnsembleSettings::") + kind + "(): the campaign's ensemble kind is " + e.kind);
}
}  // namespace

const ensemble::MdMemberSettings& EnsembleSettings::md() const {
  return kind_settings<ensemble::MdMemberSettings>(*this, "md");
}
const ensemble::TrajectoryMemberSettings& EnsembleSettings::trajectory() const {
  return kind_settings<ensemble::TrajectoryMemberSettings>(*this, "trajectory");
}
const ensemble::RmcMemberSettings& EnsembleSettings::rmc() const {
  return kind_settings<ensemble::RmcMemberSettings>(*this, "rmc");
}

bool CampaignConfig::wants_label(const std::string& l) const {
  return std::find(labels.begin(), labels.end(), l) != labels.end();
}
bool CampaignConfig::wants_descriptor(const std::string& d) const {
  return std::find(descriptors.begin(), descriptors.end(), d) != descriptors.end();
}

CampaignConfig parse_campaign(const std::string& text, const std::filesystem::path& source) {
  const std::string file = source.string();
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError(file + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax error: " + e.msg);
  }
  if (root && !root.IsNull() && !root.IsMap())
    throw InputError(file + ":1: (top level): expected a mapping of keys (structures, absorbers, ...)");
  const ResolvedCampaign r = resolve_campaign(root, file);
  const auto& v = r.values;
  auto str = [&](const std::string& k) { return v.at(k).as<std::string>(); };
  auto real = [&](const std::string& k) { return v.at(k).as<double>(); };
  auto integer = [&](const std::string& k) { return v.at(k).as<long long>(); };
  auto list = [&](const std::string& k) {
    std::vector<std::string> out;
    for (const auto& e : v.at(k)) out.push_back(e.Scalar());
    return out;
  };
  const std::filesystem::path base = source.has_parent_path() ? source.parent_path() : std::filesystem::path(".");

  CampaignConfig c;
  c.source = file;
  c.text = text;
  c.hash = hash_resolved(r);
  c.name = v.count("campaign") ? str("campaign") : source.stem().string();
  static const std::regex name_re(R"(^[A-Za-z0-9_.\-]+$)");
  if (!std::regex_match(c.name, name_re))
    r.fail("campaign", "name '" + c.name + "' may contain only letters, digits, '_', '.' and '-'");
  c.seed = static_cast<std::uint64_t>(integer("seed"));
  for (const auto& g : list("structures.paths")) c.structure_globs.push_back(resolve_path(base, g));
  c.max_sites = static_cast<int>(integer("structures.max_sites"));
  c.absorber_elements = list("absorbers.elements");
  c.edges = list("absorbers.edge");

  auto& s = c.scattering;
  s.enabled = v.at("scattering.enabled").as<bool>();
  s.rmax_A = real("scattering.rmax");
  s.max_legs = static_cast<int>(integer("scattering.max_legs"));
  s.cluster_radius_A = real("scattering.cluster_radius");
  s.phases = str("scattering.phases");
  s.s02 = real("scattering.s02");
  s.k_max_invA = real("scattering.k_max");
  s.k_step_invA = real("scattering.k_step");
  s.debye_waller.model = str("scattering.debye_waller.model");
  s.debye_waller.temperature_K = real("scattering.debye_waller.temperature");
  s.debye_waller.debye_temperature_K = real("scattering.debye_waller.debye_temperature");
  s.debye_waller.einstein_temperature_K = real("scattering.debye_waller.einstein_temperature");
  s.debye_waller.sigma2_A2 = real("scattering.debye_waller.sigma2");
  s.debye_waller.recursion_levels = static_cast<int>(integer("scattering.debye_waller.recursion_levels"));
  s.debye_waller.force_constant_scale = real("scattering.debye_waller.force_constant_scale");
  if (s.cluster_radius_A < s.rmax_A)
    r.fail("scattering.cluster_radius", "cluster_radius " + v.at("scattering.cluster_radius").Scalar() +
                                            " Å is smaller than rmax " + v.at("scattering.rmax").Scalar() +
                                            " Å; allowed: cluster_radius >= rmax");

  auto& e = c.ensemble;
  e.kind = str("ensemble.kind");
  e.members = static_cast<int>(integer("ensemble.members"));
  e.potential_line = r.line("ensemble.md.potential");
  e.trajectory_file_line = r.line("ensemble.trajectory.file");
  e.rmc_target_line = r.line("ensemble.rmc.target");
  e.members_line = r.line("ensemble.members");
  if (e.kind == "none" && e.members != 1)
    r.fail("ensemble.members", "members = " + std::to_string(e.members) +
                                   " needs an ensemble; allowed: 1 for kind none, or kind md, trajectory or rmc");
  for (const std::string sub : {"md", "trajectory", "rmc"})
    if (r.has("ensemble." + sub) && e.kind != sub)
      r.fail("ensemble." + sub, "settings for '" + sub + "' given but ensemble.kind is '" + e.kind +
                                    "'; allowed: set kind: " + sub + " or remove this section");
  // Only the settings of the campaign's kind are kept (the schema has filled in every default).
  if (e.kind == "md") {
    ensemble::MdMemberSettings m;
    m.temperature_K = real("ensemble.md.temperature");
    m.timestep_fs = real("ensemble.md.timestep_fs");
    m.equilibration_steps = integer("ensemble.md.equilibration_steps");
    m.sample_every = integer("ensemble.md.sample_every");
    m.supercell_min_A = real("ensemble.md.supercell_min_A");
    m.potential = str("ensemble.md.potential");
    m.einstein_temperature_K = real("ensemble.md.einstein_temperature");
    m.thermostat = str("ensemble.md.thermostat");
    m.cell = str("ensemble.md.cell");
    e.settings = std::move(m);
  } else if (e.kind == "trajectory") {
    ensemble::TrajectoryMemberSettings t;
    if (v.count("ensemble.trajectory.file")) t.file = resolve_path(base, str("ensemble.trajectory.file"));
    t.stride = static_cast<int>(integer("ensemble.trajectory.stride"));
    if (v.count("ensemble.trajectory.types")) t.types = list("ensemble.trajectory.types");
    if (t.file.empty()) r.fail("ensemble", "kind trajectory needs ensemble.trajectory.file");
    e.settings = std::move(t);
  } else if (e.kind == "rmc") {
    ensemble::RmcMemberSettings m;
    if (v.count("ensemble.rmc.target")) m.target = resolve_path(base, str("ensemble.rmc.target"));
    m.moves = integer("ensemble.rmc.moves");
    m.max_step_A = real("ensemble.rmc.max_step");
    m.space = str("ensemble.rmc.space");
    m.r_min_A = v.at("ensemble.rmc.r")[0].as<double>();
    m.r_max_A = v.at("ensemble.rmc.r")[1].as<double>();
    m.temperature = real("ensemble.rmc.temperature");
    m.supercell_min_A = real("ensemble.rmc.supercell_min_A");
    m.start_displacement_A = real("ensemble.rmc.start_displacement");
    if (m.target.empty()) r.fail("ensemble", "kind rmc needs ensemble.rmc.target");
    e.settings = std::move(m);
  }
  if (e.kind != "none" && !s.enabled)
    r.fail("ensemble.kind", "kind " + e.kind + " computes chi(k) per member but scattering.enabled is false; "
                            "allowed: kind none, or scattering.enabled: true");
  if (e.kind == "rmc" && e.rmc().r_max_A <= e.rmc().r_min_A) r.fail("ensemble.rmc.r", "the R range must be increasing");

  auto& f = c.features;
  f.k_min_invA = v.at("features.k")[0].as<double>();
  f.k_max_invA = v.at("features.k")[1].as<double>();
  f.dk_invA = real("features.dk");
  f.kweight = static_cast<int>(integer("features.kweight"));
  f.window = str("features.window");
  f.r_min_A = v.at("features.r")[0].as<double>();
  f.r_max_A = v.at("features.r")[1].as<double>();
  f.r_step_A = real("features.r_step");
  if (f.k_max_invA > s.k_max_invA)
    r.fail("features.k", "k range ends at " + v.at("features.k")[1].Scalar() + " Å⁻¹, beyond scattering.k_max = " +
                             v.at("scattering.k_max").Scalar() + " Å⁻¹; allowed: kmax <= scattering.k_max");
  if (f.r_step_A >= f.r_max_A - f.r_min_A)
    r.fail("features.r_step", "r_step must be smaller than the R range");

  c.labels = list("labels");
  c.rdf.r_max_A = real("rdf.r_max");
  c.rdf.bin_width_A = real("rdf.bin_width");
  if (c.rdf.bin_width_A >= c.rdf.r_max_A) r.fail("rdf.bin_width", "bin_width must be smaller than r_max");
  c.descriptors = list("descriptors");
  if (v.count("soap.species")) c.soap.species = list("soap.species");
  if (c.wants_descriptor("soap") && c.soap.species.empty())
    r.fail("descriptors", "soap needs soap.species: every element the structures contain (e.g. [O, Fe, Co])");
  c.soap.r_cut_A = real("soap.r_cut");
  c.soap.n_max = static_cast<int>(integer("soap.n_max"));
  c.soap.l_max = static_cast<int>(integer("soap.l_max"));
  c.soap.sigma_A = real("soap.sigma");

  auto& t = c.train;
  t.requested = r.has("train");
  t.model = str("train.model");
  t.target = str("train.target");
  t.input = str("train.input");
  t.trees = static_cast<int>(integer("train.trees"));
  t.max_depth = static_cast<int>(integer("train.max_depth"));
  t.cv_folds = static_cast<int>(integer("train.cv_folds"));
  t.normalization = str("train.normalization");
  t.seed = v.count("train.seed") ? static_cast<std::uint64_t>(integer("train.seed")) : c.seed;
  auto range = [&](const std::string& k, double& lo, double& hi) {
    lo = v.at(k)[0].as<double>(), hi = v.at(k)[1].as<double>();
    if (!(lo <= hi)) r.fail(k, "the range must be [low, high] with low <= high");
  };
  t.augment_copies = static_cast<int>(integer("train.augment.copies"));
  range("train.augment.s02", t.augment_s02[0], t.augment_s02[1]);
  t.augment_e0_shift_eV = real("train.augment.e0_shift");
  range("train.augment.sigma2", t.augment_sigma2[0], t.augment_sigma2[1]);
  range("train.augment.noise", t.augment_noise[0], t.augment_noise[1]);
  range("train.augment.kmax", t.augment_kmax[0], t.augment_kmax[1]);
  t.calibrate = v.at("train.calibrate").as<bool>();
  t.group_cv = static_cast<int>(integer("train.group_cv"));
  t.unsure_below = real("train.unsure_below");
  if (t.requested && !c.wants_label(t.target))
    r.fail("train.target", "target '" + t.target + "' is not among the labels computed (labels: " +
                               (c.labels.empty() ? std::string("none") : [&] {
                                 std::string j;
                                 for (const auto& l : c.labels) j += (j.empty() ? "" : ", ") + l;
                                 return j;
                               }()) + "); add it to labels");

  auto& o = c.output;
  o.file = v.count("output.file") ? str("output.file") : "results/" + c.name + ".h5";
  parse_interval(str("output.checkpoint_every"), o.checkpoint_every_s, o.checkpoint_every_items);
  std::int64_t unused = 0;
  parse_interval(str("output.progress_every"), o.progress_every_s, unused);
  parse_interval(str("scheduler.item_time_limit"), c.scheduler.item_time_limit_s, unused);
  c.scheduler.batch_seconds = real("scheduler.batch_seconds");
  const std::string mc = str("scheduler.master_computes");
  c.scheduler.master_computes = mc == "yes" ? 1 : mc == "no" ? 0 : -1;
  return c;
}

CampaignConfig load_campaign(const std::filesystem::path& path) {
  return parse_campaign(structure::read_text_file(path), path);
}

}  // namespace xasforge::workflows
