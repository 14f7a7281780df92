#include "workflows/campaign_schema.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <regex>
#include <set>
#include <sstream>

#include "core/elements/element.hpp"
#include "core/ensemble/member_settings.hpp"
#include "core/scattering/spectrum_defaults.hpp"
#include "core/error.hpp"
#include "workflows/stages/ensemble_stage.hpp"

namespace xasforge::workflows {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

SchemaNode section(std::string key, std::string doc, std::vector<SchemaNode> children, bool required = false) {
  SchemaNode n;
  n.key = std::move(key);
  n.kind = ValueKind::kMap;
  n.doc = std::move(doc);
  n.children = std::move(children);
  n.required = required;
  return n;
}

SchemaNode leaf(std::string key, ValueKind kind, std::string default_yaml, std::string doc) {
  SchemaNode n;
  n.key = std::move(key);
  n.kind = kind;
  n.default_yaml = std::move(default_yaml);
  n.doc = std::move(doc);
  return n;
}

SchemaNode number(std::string key, ValueKind kind, std::string def, double lo, double hi, std::string units,
                  std::string doc, bool lo_exclusive = false) {
  SchemaNode n = leaf(std::move(key), kind, std::move(def), std::move(doc));
  n.min = lo;
  n.max = hi;
  n.min_exclusive = lo_exclusive;
  n.units = std::move(units);
  return n;
}

SchemaNode choice(std::string key, ValueKind kind, std::string def, std::vector<std::string> allowed, std::string doc) {
  SchemaNode n = leaf(std::move(key), kind, std::move(def), std::move(doc));
  n.allowed = std::move(allowed);
  return n;
}

SchemaNode required(SchemaNode n) {
  n.required = true;
  return n;
}

/// YAML text of a default defined in C++ (shortest text that reads back to the same double).
/// Whole numbers keep a ".0" and exponents lose leading zeros ("6.0", "1e-5").
std::string yaml_of(double x) {
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  std::string t(buf, r.ptr);
  const auto e = t.find('e');
  if (e == std::string::npos) return t.find('.') == std::string::npos ? t + ".0" : t;
  std::size_t d = e + 1 + (t[e + 1] == '-' || t[e + 1] == '+' ? 1 : 0);
  while (d + 1 < t.size() && t[d] == '0') t.erase(d, 1);
  return t;
}
std::string yaml_of(long long x) { return std::to_string(x); }
std::string yaml_of(int x) { return std::to_string(x); }
std::string yaml_of(const std::string& x) { return x; }
std::string yaml_range(double lo, double hi) { return "[" + yaml_of(lo) + ", " + yaml_of(hi) + "]"; }

SchemaNode build_schema() {
  using K = ValueKind;
  // Defaults defined in one place each and printed from there (docs/architecture.md, "Defaults").
  const ensemble::MdMemberSettings md;
  const ensemble::TrajectoryMemberSettings traj;
  const ensemble::RmcMemberSettings rmc;
  std::vector<std::string> ensemble_kinds = {"none"};  // plus the stage factory's names, its one list
  for (const auto& name : ensemble_stage_names()) ensemble_kinds.push_back(name);
  return section("", "campaign file", {
    leaf("campaign", K::kString, "", "Campaign name (default: the YAML file's stem)."),
    number("seed", K::kInt, "42", 0, 4294967295.0, "",
           "Campaign seed; every random stream derives from (seed, item id, purpose), never the rank."),
    section("structures", "Which structures to compute.", {
      required(leaf("paths", K::kPathList, "",
                    "Glob(s) of structure files (MP JSON, CIF, POSCAR), relative to the YAML file's folder.")),
      number("max_sites", K::kInt, "500", 1, 1e6, "",
             "Structures with more sites are recorded as failed items instead of computed."),
    }, true),
    section("absorbers", "Absorbing atoms.", {
      required(leaf("elements", K::kElementList, "", "Absorber element symbol(s), e.g. [Fe, Co].")),
      choice("edge", K::kEnumList, "K", {"K", "L1", "L2", "L3"}, "Absorption edge(s); a list gives one item per edge."),
    }, true),
    section("scattering", "Multiple-scattering path expansion.", {
      leaf("enabled", K::kBool, "true", "Compute chi(k) (the spectrum stage: FEFF 8.5L phase shifts, paths, path sum); false: labels only."),
      number("rmax", K::kReal, yaml_of(scattering::defaults::kRmax_A), 1.0, 15.0, "Å", "Longest half path length."),
      number("max_legs", K::kInt, yaml_of(scattering::defaults::kMaxLegs), 2, 8, "", "Most legs per scattering path."),
      number("cluster_radius", K::kReal, yaml_of(scattering::defaults::kClusterRadius_A), 1.0, 20.0, "Å",
             "Cluster radius for potentials and paths; must be at least rmax."),
      choice("phases", K::kEnum, "feff8l", {"feff8l", "native"},
             "Phase-shift provider: feff8l (FEFF 8.5L pot/xsph child processes) or native (in-process potentials, "
             "docs/scattering_native.md)."),
      number("s02", K::kReal, yaml_of(scattering::defaults::kS02), 0.0, 1.5, "", "Amplitude reduction factor S0^2.", true),
      number("k_max", K::kReal, "20.0", 2.0, 30.0, "Å⁻¹", "End of the shared chi(k) grid (/spectra/k)."),
      number("k_step", K::kReal, "0.05", 0.01, 0.5, "Å⁻¹", "Step of the shared chi(k) grid."),
      section("debye_waller", "Thermal disorder of static structures.", {
        choice("model", K::kEnum, "correlated_debye",
               {"none", "correlated_debye", "einstein", "constant", "equation_of_motion", "recursion", "normal_modes", "hybrid"},
               "Debye–Waller model; equation_of_motion, recursion and normal_modes take every path's sigma^2 from "
               "the cluster's UFF force constants; hybrid takes recursion for paths with a non-metal atom and "
               "correlated_debye for paths of metal atoms only (docs/debye_waller.md)."),
        number("temperature", K::kReal, yaml_of(scattering::defaults::kTemperature_K), 0.0, 5000.0, "K", "Sample temperature."),
        number("debye_temperature", K::kReal, yaml_of(scattering::defaults::kDebyeTemperature_K), 1.0, 5000.0, "K", "Debye temperature (correlated_debye, hybrid)."),
        number("einstein_temperature", K::kReal, "300", 1.0, 5000.0, "K", "Einstein temperature (einstein)."),
        number("sigma2", K::kReal, "0.003", 0.0, 0.1, "Å²", "sigma^2 of every path (constant)."),
        number("recursion_levels", K::kInt, "16", 1, 200, "", "Lanczos levels of the recursion and hybrid models (FEFF 8.5L uses 2)."),
        number("force_constant_scale", K::kReal, "1.0", 0.01, 100.0, "",
               "Multiplies every UFF spring constant (equation_of_motion, recursion, normal_modes, hybrid)."),
      }),
    }),
    section("ensemble", "Configurational averaging (one item per member).", {
      choice("kind", K::kEnum, "none", ensemble_kinds,
             "none: the static structure; md: snapshots of a molecular-dynamics run; trajectory: frames of "
             "a file; rmc: reverse Monte Carlo models."),
      number("members", K::kInt, "1", 1, 100000, "", "Ensemble members per absorber class (1 for kind none)."),
      section("md", "Molecular dynamics (kind md).", {
        number("temperature", K::kReal, yaml_of(md.temperature_K), 1.0, 5000.0, "K", "Thermostat temperature."),
        number("timestep_fs", K::kReal, yaml_of(md.timestep_fs), 0.01, 10.0, "fs", "Integration time step."),
        number("equilibration_steps", K::kInt, yaml_of(md.equilibration_steps), 0, 1e8, "", "Steps before the first snapshot."),
        number("sample_every", K::kInt, yaml_of(md.sample_every), 1, 1e7, "",
               "Not used: every member is an independent chain whose snapshot is taken after "
               "equilibration_steps (docs/campaign.md, \"Ensembles\")."),
        number("supercell_min_A", K::kReal, yaml_of(md.supercell_min_A), 1.0, 100.0, "Å",
               "Smallest perpendicular width of the periodic supercell (repeats of the structure's cell)."),
        choice("potential", K::kEnum, yaml_of(md.potential), {"auto", "sutton_chen", "einstein"},
               "auto: Sutton–Chen for an elemental structure with published parameters (Ni, Cu, Rh, Pd, Ag, "
               "Ir, Pt, Au, Pb, Al), else the harmonic Einstein crystal; sutton_chen; einstein (any structure)."),
        number("einstein_temperature", K::kReal, yaml_of(md.einstein_temperature_K), 1.0, 5000.0, "K",
               "Einstein temperature of the harmonic Einstein-crystal potential."),
        choice("thermostat", K::kEnum, yaml_of(md.thermostat), {"langevin", "bussi"}, "NVT thermostat."),
        choice("cell", K::kEnum, yaml_of(md.cell), {"structure", "relaxed"},
               "structure: the structure's cell (fixed volume); relaxed: scaled isotropically to the "
               "potential's zero-temperature equilibrium first (unstrained NVT)."),
      }),
      section("trajectory", "Frames of an existing trajectory (kind trajectory).", {
        leaf("file", K::kString, "",
             "Trajectory file (extended XYZ with Lattice, or LAMMPS dump), relative to the YAML file; its "
             "frames are supercells of the structure, in the structure's orientation."),
        number("stride", K::kInt, yaml_of(traj.stride), 1, 1e6, "", "Member m is frame m·stride (0-based)."),
        leaf("types", K::kElementList, "",
             "Elements of LAMMPS atom types 1, 2, ... (a dump without an element column), e.g. [Cu, Ni]."),
      }),
      section("rmc", "Reverse Monte Carlo (kind rmc).", {
        leaf("target", K::kString, "", "Measured chi(k) file to fit, relative to the YAML file."),
        number("moves", K::kInt, yaml_of(rmc.moves), 1, 1e9, "", "Monte Carlo moves per model."),
        number("max_step", K::kReal, yaml_of(rmc.max_step_A), 0.001, 1.0, "Å", "Largest single-atom move."),
        choice("space", K::kEnum, yaml_of(rmc.space), {"k", "r", "wavelet"},
               "Residual space of the misfit (k range: features.k, k-weight: features.kweight)."),
        number("r", K::kRange, yaml_range(rmc.r_min_A, rmc.r_max_A), 0.0, 15.0, "Å", "R range of the misfit in r and wavelet space."),
        number("temperature", K::kReal, yaml_of(rmc.temperature), 0.0, 1.0, "",
               "Metropolis temperature in misfit units, annealed linearly to 0."),
        number("supercell_min_A", K::kReal, yaml_of(rmc.supercell_min_A), 1.0, 100.0, "Å",
               "Smallest perpendicular width of the periodic start supercell."),
        number("start_displacement", K::kReal, yaml_of(rmc.start_displacement_A), 0.0, 0.5, "Å",
               "Gaussian displacement (per Cartesian component) added to the start supercell."),
      }),
    }),
    section("features", "Spectrum reduction (Larch xftf conventions).", {
      number("k", K::kRange, "[3, 12]", 0.0, 30.0, "Å⁻¹", "Fourier-transform k range [kmin, kmax]."),
      number("dk", K::kReal, "1.0", 0.0, 5.0, "Å⁻¹", "Window taper width."),
      number("kweight", K::kInt, "2", 0, 3, "", "k-weight of chi(k) before the transform."),
      choice("window", K::kEnum, "hanning", {"hanning", "kaiser", "parzen", "welch", "sine", "gaussian"},
             "Window function."),
      number("r", K::kRange, "[0, 6]", 0.0, 15.0, "Å", "R range of /features/chir_mag."),
      number("r_step", K::kReal, "0.03", 0.005, 0.5, "Å", "R grid step."),
    }),
    choice("labels", K::kEnumList, "[cn, rdf]", {"cn", "rdf"}, "Structural labels per item."),
    section("rdf", "Absorber-centred radial distribution label.", {
      number("r_max", K::kReal, "6.0", 0.5, 20.0, "Å", "Histogram range (0, r_max]."),
      number("bin_width", K::kReal, "0.1", 0.005, 2.0, "Å", "Histogram bin width."),
    }),
    choice("descriptors", K::kEnumList, "[]", {"soap"}, "Structure descriptors per item."),
    section("soap", "SOAP descriptor settings (descriptors: [soap]).", {
      leaf("species", K::kElementList, "", "Every element the structures contain (fixes the descriptor length); required for soap."),
      number("r_cut", K::kReal, "5.0", 1.0, 15.0, "Å", "Cut-off radius."),
      number("n_max", K::kInt, "6", 1, 20, "", "Radial basis size."),
      number("l_max", K::kInt, "4", 0, 12, "", "Largest angular momentum."),
      number("sigma", K::kReal, "0.5", 0.05, 3.0, "Å", "Gaussian width of atom densities."),
    }),
    section("train", "Training after the run: `xasforge run` trains on the finished results file as `xasforge train` would and writes RESULTS_model.xfm and RESULTS_train.json beside it.", {
      choice("model", K::kEnum, "random_forest", {"random_forest", "neural_network"},
             "Model family."),
      choice("target", K::kEnum, "cn", {"cn", "rdf"}, "Label to predict (must be in labels)."),
      choice("input", K::kEnum, "chir_mag", {"chir_mag", "chi"}, "Model input."),
      number("trees", K::kInt, "500", 1, 100000, "", "Trees (random_forest)."),
      number("max_depth", K::kInt, "0", 0, 1000, "", "Tree depth limit (0: none)."),
      number("cv_folds", K::kInt, "5", 2, 100, "", "Cross-validation folds."),
      choice("normalization", K::kEnum, "minmax", {"none", "minmax", "mean"}, "Input normalization."),
      number("seed", K::kInt, "", 0, 4294967295.0, "", "Training seed (default: the campaign seed)."),
      section("augment", "Augmented copies of each simulated chi(k) that look like measurements (docs/ml.md); not hashed.", {
        number("copies", K::kInt, "0", 0, 1000, "", "Copies per simulated spectrum (0: no augmentation)."),
        number("s02", K::kRange, "[0.7, 1.0]", 0.05, 2.0, "", "Amplitude reduction factor S0², uniform."),
        number("e0_shift", K::kReal, "5.0", 0.0, 50.0, "eV", "Edge-energy misalignment ΔE0, uniform in ±e0_shift."),
        number("sigma2", K::kRange, "[-0.001, 0.005]", -0.02, 0.05, "Å²", "Added Debye–Waller σ² (chi·exp(−2Δσ²k²)), uniform."),
        number("noise", K::kRange, "[0.0003, 0.003]", 0.0, 1.0, "", "rms noise of chi at k = 10 Å⁻¹ (grows ∝ k), log-uniform."),
        number("kmax", K::kRange, "[10, 14]", 2.0, 40.0, "Å⁻¹", "Last k of the data (chi = 0 beyond), uniform."),
      }),
      leaf("calibrate", K::kBool, "false", "Temperature-scale the class probabilities on structure-grouped out-of-fold rows (not hashed)."),
      number("group_cv", K::kInt, "0", 0, 100, "", "Structure-grouped k-fold CV (0: off; calibrate implies 5; not hashed)."),
      number("unsure_below", K::kReal, "0.5", 0.0, 1.0, "", "predict flags a spectrum unsure under this top probability (not hashed)."),
    }),
    section("output", "Results file and checkpoints (not part of the campaign hash).", {
      leaf("file", K::kString, "", "Results file (default results/<campaign>.h5, relative to the current folder)."),
      choice("checkpoint_every", K::kInterval, "60s", {"seconds", "items"},
             "Collective write of finished rows every N seconds (\"60s\", \"5min\", \"1h\") or items (\"100 items\")."),
      choice("progress_every", K::kInterval, "10s", {"seconds"}, "Plain progress line interval when not on a terminal."),
    }),
    section("scheduler", "Work distribution (not part of the campaign hash).", {
      choice("item_time_limit", K::kInterval, "none", {"seconds", "none"},
             "Per-item wall-time limit (\"30s\", \"10min\"); an item over it is killed and recorded as failed."),
      number("batch_seconds", K::kReal, "0.5", 0.0, 3600.0, "s", "Work per hand-out the master aims at."),
      choice("master_computes", K::kEnum, "auto", {"auto", "yes", "no"},
             "Whether rank 0 also computes items (auto: with fewer than 4 ranks)."),
    }),
  });
}

std::string kind_name(ValueKind k) {
  switch (k) {
    case ValueKind::kMap: return "a mapping";
    case ValueKind::kString: return "a string";
    case ValueKind::kInt: return "an integer";
    case ValueKind::kReal: return "a number";
    case ValueKind::kBool: return "true or false";
    case ValueKind::kEnum: return "one value";
    case ValueKind::kEnumList: return "a list of values";
    case ValueKind::kElementList: return "a list of element symbols";
    case ValueKind::kPathList: return "a path glob or a list of them";
    case ValueKind::kRange: return "a pair [low, high]";
    case ValueKind::kInterval: return "an interval";
  }
  return "?";
}

std::string join(const std::vector<std::string>& v, const std::string& sep = ", ") {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}

std::string format_number(double x) {
  if (x == std::floor(x) && std::abs(x) < 1e15) return std::to_string(static_cast<long long>(x));
  std::ostringstream o;
  o << x;
  return o.str();
}

std::string range_text(const SchemaNode& n) {
  std::string lo = std::isinf(n.min) ? "" : format_number(n.min);
  std::string hi = std::isinf(n.max) ? "" : format_number(n.max);
  if (lo.empty() && hi.empty()) return "";
  std::string s = (n.min_exclusive ? "(" : "[") + lo + ", " + hi + "]";
  return s + (n.units.empty() ? "" : " " + n.units);
}

class Validator {
 public:
  Validator(ResolvedCampaign& out) : out_(out) {}

  void map(const SchemaNode& schema, const YAML::Node& node, const std::string& prefix) {
    if (node && !node.IsNull() && !node.IsMap())
      out_.fail(prefix.empty() ? "(top level)" : prefix,
                "expected a mapping of keys (" + child_keys(schema) + "), got " + describe(node));
    std::set<std::string> seen;
    if (node && node.IsMap()) {
      for (const auto& kv : node) {
        const std::string key = kv.first.as<std::string>();
        const std::string dotted = prefix.empty() ? key : prefix + "." + key;
        if (seen.count(key)) {
          out_.lines[dotted] = kv.first.Mark().line + 1;
          out_.fail(dotted, "key '" + key + "' is given twice");
        }
        const SchemaNode* child = find_child(schema, key);
        if (!child) {
          out_.lines[dotted] = kv.first.Mark().line + 1;
          std::string msg = "unknown key '" + key + "'";
          if (auto near = nearest(schema, key); !near.empty()) msg += "; did you mean '" + near + "'?";
          msg += " (allowed keys" + (prefix.empty() ? std::string() : " in " + prefix) + ": " + child_keys(schema) + ")";
          out_.fail(dotted, msg);
        }
        seen.insert(key);
        out_.lines[dotted] = kv.first.Mark().line + 1;
        if (child->kind == ValueKind::kMap)
          map(*child, kv.second, dotted);
        else
          value(*child, kv.second, dotted);
      }
    }
    for (const auto& child : schema.children) {
      if (seen.count(child.key)) continue;
      const std::string dotted = prefix.empty() ? child.key : prefix + "." + child.key;
      if (child.required) {
        if (!prefix.empty() && !out_.lines.count(prefix)) out_.lines[prefix] = 0;
        out_.fail(prefix.empty() ? "(top level)" : prefix, "missing required key '" + child.key + "' (" + child.doc + ")");
      }
      out_.lines[dotted] = 0;
      if (child.kind == ValueKind::kMap)
        map(child, YAML::Node(), dotted);
      else if (!child.default_yaml.empty())
        value(child, YAML::Load(child.default_yaml), dotted);  // normalises lists like a user value
    }
  }

 private:
  static std::string describe(const YAML::Node& n) {
    if (n.IsSequence()) return "a list";
    if (n.IsMap()) return "a mapping";
    if (n.IsNull()) return "nothing";
    return "'" + n.Scalar() + "'";
  }
  static const SchemaNode* find_child(const SchemaNode& s, const std::string& key) {
    for (const auto& c : s.children)
      if (c.key == key) return &c;
    return nullptr;
  }
  static std::string child_keys(const SchemaNode& s) {
    std::vector<std::string> keys;
    for (const auto& c : s.children) keys.push_back(c.key);
    return join(keys);
  }
  static std::string nearest(const SchemaNode& s, const std::string& key) {
    std::string best;
    std::size_t best_d = std::max<std::size_t>(2, key.size() / 3) + 1;
    for (const auto& c : s.children) {
      const std::size_t d = edit_distance(key, c.key);
      if (d < best_d) best_d = d, best = c.key;
    }
    return best;
  }

  double as_number(const SchemaNode& s, const YAML::Node& n, const std::string& key, bool integer) {
    const std::string expected = (integer ? "an integer" : "a number") +
                                 (range_text(s).empty() ? std::string() : " in " + range_text(s));
    if (!n.IsScalar()) out_.fail(key, "expected " + expected + ", got " + describe(n));
    double x = 0.0;
    try {
      if (integer) {
        x = static_cast<double>(n.as<long long>());
      } else {
        x = n.as<double>();
      }
    } catch (const YAML::Exception&) {
      out_.fail(key, "expected " + expected + ", got " + describe(n));
    }
    if (!std::isfinite(x)) out_.fail(key, "expected " + expected + ", got " + describe(n));
    if (x < s.min || x > s.max || (s.min_exclusive && x == s.min))
      out_.fail(key, "value " + n.Scalar() + " is out of range; allowed: " + range_text(s));
    return x;
  }

  std::vector<std::string> scalar_list(const YAML::Node& n, const std::string& key, const std::string& what) {
    std::vector<std::string> v;
    if (n.IsScalar()) {
      v.push_back(n.Scalar());
    } else if (n.IsSequence()) {
      for (const auto& e : n) {
        if (!e.IsScalar()) out_.fail(key, "expected " + what + ", got a nested " + describe(e));
        v.push_back(e.Scalar());
      }
    } else {
      out_.fail(key, "expected " + what + ", got " + describe(n));
    }
    return v;
  }

  void value(const SchemaNode& s, const YAML::Node& n, const std::string& key) {
    const std::string allowed = join(s.allowed);
    switch (s.kind) {
      case ValueKind::kMap:
        break;
      case ValueKind::kString:
        if (!n.IsScalar() || n.Scalar().empty()) out_.fail(key, "expected a non-empty string, got " + describe(n));
        break;
      case ValueKind::kInt:
        as_number(s, n, key, true);
        break;
      case ValueKind::kReal:
        as_number(s, n, key, false);
        break;
      case ValueKind::kBool:
        try {
          n.as<bool>();
        } catch (const YAML::Exception&) {
          out_.fail(key, "expected true or false, got " + describe(n));
        }
        break;
      case ValueKind::kEnum:
        if (!n.IsScalar() || std::find(s.allowed.begin(), s.allowed.end(), n.Scalar()) == s.allowed.end())
          out_.fail(key, "invalid value " + describe(n) + "; allowed: " + allowed);
        break;
      case ValueKind::kEnumList: {
        const auto v = scalar_list(n, key, "a list of: " + allowed);
        std::set<std::string> seen;
        for (const auto& e : v) {
          if (std::find(s.allowed.begin(), s.allowed.end(), e) == s.allowed.end())
            out_.fail(key, "invalid value '" + e + "'; allowed: " + allowed);
          if (!seen.insert(e).second) out_.fail(key, "'" + e + "' is listed twice");
        }
        YAML::Node list(YAML::NodeType::Sequence);
        for (const auto& e : v) list.push_back(e);
        out_.values[key] = list;
        return;
      }
      case ValueKind::kElementList: {
        const auto v = scalar_list(n, key, "a list of element symbols");
        if (v.empty()) out_.fail(key, "expected at least one element symbol");
        std::set<std::string> seen;
        for (const auto& e : v) {
          if (!elements::atomic_number(e) || e.find_first_of("+-0123456789") != std::string::npos)
            out_.fail(key, "unknown element '" + e + "' (expected a symbol such as Fe, O, Cu; Z 1..96)");
          if (!seen.insert(e).second) out_.fail(key, "'" + e + "' is listed twice");
        }
        YAML::Node list(YAML::NodeType::Sequence);
        for (const auto& e : v) list.push_back(e);
        out_.values[key] = list;
        return;
      }
      case ValueKind::kPathList: {
        const auto v = scalar_list(n, key, "a path glob or a list of them");
        if (v.empty()) out_.fail(key, "expected at least one path glob");
        for (const auto& e : v)
          if (e.empty()) out_.fail(key, "empty path");
        YAML::Node list(YAML::NodeType::Sequence);
        for (const auto& e : v) list.push_back(e);
        out_.values[key] = list;
        return;
      }
      case ValueKind::kRange: {
        if (!n.IsSequence() || n.size() != 2)
          out_.fail(key, "expected a pair [low, high] within " + range_text(s) + ", got " + describe(n));
        const double lo = as_number(s, n[0], key, false);
        const double hi = as_number(s, n[1], key, false);
        if (!(lo < hi)) out_.fail(key, "low end " + n[0].Scalar() + " must be below high end " + n[1].Scalar());
        break;
      }
      case ValueKind::kInterval:
        parse_interval_or_fail(s, n, key);
        break;
    }
    out_.values[key] = n;
  }

  void parse_interval_or_fail(const SchemaNode& s, const YAML::Node& n, const std::string& key) {
    const bool items_ok = std::find(s.allowed.begin(), s.allowed.end(), "items") != s.allowed.end();
    const bool none_ok = std::find(s.allowed.begin(), s.allowed.end(), "none") != s.allowed.end();
    const std::string forms = std::string("\"30s\", \"5min\", \"2h\"") + (items_ok ? ", \"100 items\"" : "") +
                              (none_ok ? ", \"none\"" : "");
    if (!n.IsScalar()) out_.fail(key, "expected an interval (" + forms + "), got " + describe(n));
    const std::string t = n.Scalar();
    if (none_ok && (t == "none" || t == "0")) return;
    static const std::regex re(R"(^\s*([0-9]+(\.[0-9]*)?)\s*(s|sec|min|h|items?)\s*$)");
    std::smatch m;
    if (!std::regex_match(t, m, re) || (!items_ok && m[3].str().rfind("item", 0) == 0))
      out_.fail(key, "invalid interval '" + t + "'; expected " + forms);
    if (std::stod(m[1].str()) <= 0) out_.fail(key, "interval '" + t + "' must be positive");
  }

  ResolvedCampaign& out_;
};

}  // namespace

const SchemaNode& campaign_schema() {
  static const SchemaNode schema = build_schema();  // immutable after first use
  return schema;
}

int ResolvedCampaign::line(const std::string& key) const {
  for (std::string k = key;;) {
    if (auto it = lines.find(k); it != lines.end() && it->second > 0) return it->second;
    const auto dot = k.rfind('.');
    if (dot == std::string::npos) return 0;
    k = k.substr(0, dot);
  }
}

void ResolvedCampaign::fail(const std::string& key, const std::string& message) const {
  const int l = line(key);
  throw InputError(source + (l > 0 ? ":" + std::to_string(l) : std::string()) + ": " + key + ": " + message);
}

ResolvedCampaign resolve_campaign(const YAML::Node& root, const std::string& source) {
  ResolvedCampaign out;
  out.source = source;
  if (!root || root.IsNull()) throw InputError(source + ": empty campaign file (expected keys: structures, absorbers, ...)");
  Validator(out).map(campaign_schema(), root, "");
  return out;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string schema_reference_markdown() {
  std::ostringstream o;
  o << "| key | type | default | allowed | meaning |\n|---|---|---|---|---|\n";
  std::function<void(const SchemaNode&, const std::string&)> walk = [&](const SchemaNode& n, const std::string& prefix) {
    for (const auto& c : n.children) {
      const std::string key = prefix.empty() ? c.key : prefix + "." + c.key;
      std::string allowed = c.allowed.empty() ? range_text(c) : join(c.allowed);
      if (c.kind == ValueKind::kElementList) allowed = "element symbols (Z 1..96)";
      std::string def = c.default_yaml.empty() ? (c.required ? "**required**" : "—") : "`" + c.default_yaml + "`";
      if (c.kind == ValueKind::kMap) def = c.required ? "**required**" : "";
      o << "| `" << key << "` | " << (c.kind == ValueKind::kMap ? "section" : kind_name(c.kind)) << " | " << def
        << " | " << allowed << " | " << c.doc << " |\n";
      if (c.kind == ValueKind::kMap) walk(c, key);
    }
  };
  walk(campaign_schema(), "");
  return o.str();
}

}  // namespace xasforge::workflows
