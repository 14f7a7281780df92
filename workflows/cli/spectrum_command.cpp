// `xasforge spectrum STRUCTURE --site N | --absorber El ...`: χ(k) of one absorber by the
// multiple-scattering path expansion (FEFF 8.5L potentials, own paths, F_eff and sum).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <algorithm>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/elements/element.hpp"
#include "core/error.hpp"
#include "core/scattering/feff_input.hpp"
#include "core/scattering/debye_waller.hpp"
#include "core/scattering/feff_phase_provider.hpp"
#include "core/scattering/feff_path_writer.hpp"
#include "core/scattering/phase_provider_factory.hpp"
#include "core/scattering/spectrum.hpp"
#include "core/structure/readers.hpp"
#include "workflows/cli/commands.hpp"
#include "workflows/cli/spectrum_command.hpp"

namespace xasforge::cli {
namespace {

struct SpectrumOptions {
  std::string structure_file;
  std::optional<std::size_t> site;
  std::string absorber;
  std::string edge = "K";
  double rmax_A = scattering::defaults::kRmax_A;
  int max_legs = scattering::defaults::kMaxLegs;
  double cluster_radius_A = scattering::defaults::kClusterRadius_A;
  std::string sigma2_model = "correlated-debye";
  double temperature_K = scattering::defaults::kTemperature_K;
  double debye_temperature_K = scattering::defaults::kDebyeTemperature_K;
  double einstein_temperature_K = 0.0;
  double sigma2_A2 = 0.0;
  int recursion_levels = 16;
  double force_constant_scale = 1.0;
  double c3_A3 = 0.0, c4_A4 = 0.0;
  double s02 = scattering::defaults::kS02;
  double e0_eV = 0.0;
  double critcw = 4.0, critpw = 2.5;
  int iorder = 2;
  std::string convention = "feff";
  std::string phases = scattering::kDefaultPhaseProvider;
  std::string output = "chi.csv";
  std::string paths_file;
  std::string feff_dir;
  int digits = 8;
  bool timing = false;
};

scattering::Edge parse_edge(const std::string& e) {
  try {
    return scattering::feff::parse_edge(e);
  } catch (const InputError& ex) {
    throw InputError(std::string("--edge: ") + ex.what());
  }
}

std::size_t choose_site(const structure::Structure& s, const SpectrumOptions& o) {
  return choose_absorber_site(s, o.site, o.absorber);
}

// Everything but the output files: the same for the command and for the Python module.
SpectrumCall compute(const SpectrumOptions& o, structure::Structure s) {
  const std::size_t site = choose_site(s, o);
  scattering::SpectrumSettings set;
  set.phase.edge = parse_edge(o.edge);
  set.phase.cluster_radius_A = o.cluster_radius_A;
  set.paths.rmax_A = o.rmax_A;
  set.paths.max_legs = o.max_legs;
  set.paths.critpw = o.critpw;
  set.feff.iorder = o.iorder;
  set.sigma2_model = o.sigma2_model;
  set.debye_waller.temperature_K = o.temperature_K;
  set.debye_waller.debye_temperature_K = o.debye_temperature_K;
  set.debye_waller.einstein_temperature_K = o.einstein_temperature_K;
  set.debye_waller.sigma2_A2 = o.sigma2_A2;
  set.debye_waller.recursion_levels = o.recursion_levels;
  set.debye_waller.force_constant_scale = o.force_constant_scale;
  set.c3_A3 = o.c3_A3;
  set.c4_A4 = o.c4_A4;
  set.chi.s02 = o.s02;
  set.chi.e0_eV = o.e0_eV;
  set.chi.critcw_percent = o.critcw;
  set.chi.convention = scattering::chi_convention_from_name(o.convention);
  if (o.cluster_radius_A < o.rmax_A) {
    throw InputError("--cluster-radius " + std::to_string(o.cluster_radius_A) + " Å must be at least --rmax " +
                     std::to_string(o.rmax_A) + " Å");
  }
  // Validate the σ² model and its settings before the (slow) potential calculation.
  {
    scattering::DebyeWallerSettings check = set.debye_waller;
    check.rnorm_avg_A = 1.0;
    (void)scattering::make_debye_waller_model(set.sigma2_model, check);
  }
  const auto provider = scattering::make_phase_provider(o.phases, "--phases");
  const scattering::Spectrum sp = scattering::compute_spectrum(s, site, set, *provider);
  if (!o.feff_dir.empty()) scattering::write_feff_path_files(o.feff_dir, s, site, set, *provider, sp);
  return SpectrumCall{std::move(s), site, sp};
}

void run(const SpectrumOptions& o) {
  const auto t_start = std::chrono::steady_clock::now();
  const SpectrumCall call = compute(o, structure::read_structure(o.structure_file));
  const structure::Structure& s = call.structure;
  const std::size_t site = call.site;
  const scattering::Spectrum& sp = call.spectrum;

  std::ofstream out(o.output);
  if (!out) throw InputError("-o " + o.output + ": cannot open for writing");
  std::size_t used = 0;
  for (const auto& p : sp.paths) used += p.included ? 1 : 0;
  out << "# xasforge spectrum: chi(k) by the multiple-scattering path expansion ("
      << (o.phases == "native" ? "native potentials" : "FEFF 8.5L potentials") << ")\n";
  out << "# phases: " << o.phases << '\n';
  out << "# structure: " << s.source << " (" << s.reduced_formula() << ")\n";
  out << "# absorber: site " << site << " (" << elements::element(s.site(site).z).symbol << "), edge " << o.edge << '\n';
  out << "# cluster_radius_A: " << o.cluster_radius_A << "  rmax_A: " << o.rmax_A << "  max_legs: " << o.max_legs
      << "  critpw: " << o.critpw << "  critcw: " << o.critcw << "  iorder: " << o.iorder << '\n';
  out << "# sigma2_model: " << o.sigma2_model << "  temperature_K: " << o.temperature_K;
  if (o.sigma2_model == "correlated-debye" || o.sigma2_model == "hybrid") out << "  debye_temperature_K: " << o.debye_temperature_K;
  if (o.sigma2_model == "correlated-einstein") out << "  einstein_temperature_K: " << o.einstein_temperature_K;
  if (o.sigma2_model == "constant") out << "  sigma2_A2: " << o.sigma2_A2;
  if (o.sigma2_model == "recursion" || o.sigma2_model == "hybrid") out << "  recursion_levels: " << o.recursion_levels;
  if (o.sigma2_model == "equation-of-motion" || o.sigma2_model == "recursion" || o.sigma2_model == "normal-modes" ||
      o.sigma2_model == "hybrid")
    out << "  force_constant_scale: " << o.force_constant_scale;
  out << '\n';
  out << "# s02: " << o.s02 << "  e0_eV: " << o.e0_eV << "  c3_A3: " << o.c3_A3 << "  c4_A4: " << o.c4_A4
      << "  convention: " << o.convention << '\n';
  out << "# paths: " << sp.paths.size() << " found, " << used << " used\n";
  out << "k,chi\n";
  char line[64];
  for (std::size_t j = 0; j < sp.k_invA.size(); ++j) {
    if (o.digits > 8)
      std::snprintf(line, sizeof line, "%.17g,%.*e\n", sp.k_invA[j], o.digits, sp.chi[j]);
    else
      std::snprintf(line, sizeof line, "%.4f,%.*e\n", sp.k_invA[j], o.digits, sp.chi[j]);
    out << line;
  }
  if (!out) throw InputError("-o " + o.output + ": write failed");

  if (!o.paths_file.empty()) {
    std::ofstream pf(o.paths_file);
    if (!pf) throw InputError("--paths " + o.paths_file + ": cannot open for writing");
    pf << "# xasforge paths of " << s.source << " site " << site << ", rmax " << o.rmax_A << " Å, max legs " << o.max_legs << '\n';
    pf << "# index  nleg  degeneracy   reff_A   pw_importance_%  cw_importance_%  sigma2_A2  used\n";
    for (const auto& p : sp.paths) {
      char l2[160];
      std::snprintf(l2, sizeof l2, "%7d %5d %11.3f %8.4f %16.3f %16.3f %10.5f  %s\n", p.index, p.n_legs, p.degeneracy, p.reff_A,
                    p.pw_importance_percent, p.cw_importance_percent, p.sigma2_A2, p.included ? "yes" : "no");
      pf << l2;
    }
  }
  if (o.timing) {
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    std::fprintf(stderr,
                 "timing (s; phases wall, others CPU): cluster %.4f  phases %.4f  paths %.4f  F_eff %.4f  sigma2 %.4f  sum %.4f  "
                 "total(wall) %.4f  (%zu paths, %zu used)\n",
                 sp.cluster_s, sp.phases_s, sp.paths_s, sp.feff_s, sp.sigma2_s, sp.sum_s, total, sp.paths.size(), used);
  }
}

void add_spectrum_options(CLI::App* cmd, const std::shared_ptr<SpectrumOptions>& o) {
  cmd->add_option("structure", o->structure_file, "Structure file (MP JSON, CIF, POSCAR, XYZ), periodic or a cluster")->required();
  cmd->add_option("--site", o->site, "Absorbing site index (0-based, file order)");
  cmd->add_option("--absorber", o->absorber, "Absorbing element: the first site of this element");
  cmd->add_option("--edge", o->edge, "Absorption edge: K, L1, L2, L3")->capture_default_str();
  cmd->add_option("--rmax", o->rmax_A, "Maximum half path length (Å)")->capture_default_str();
  cmd->add_option("--max-legs", o->max_legs, "Maximum number of legs per path (2..9)")->capture_default_str();
  cmd->add_option("--cluster-radius", o->cluster_radius_A, "Cluster radius for potentials and paths (Å)")->capture_default_str();
  cmd->add_option("--sigma2-model", o->sigma2_model, "correlated-debye | correlated-einstein | constant | none | equation-of-motion | recursion | normal-modes | "
                  "hybrid (recursion for paths with a non-metal atom, correlated-debye between metals)")->capture_default_str();
  cmd->add_option("--temperature", o->temperature_K, "Temperature (K)")->capture_default_str();
  cmd->add_option("--debye-temperature", o->debye_temperature_K, "Debye temperature (K), correlated-debye and hybrid")->capture_default_str();
  cmd->add_option("--einstein-temperature", o->einstein_temperature_K, "Einstein temperature (K), correlated-einstein");
  cmd->add_option("--sigma2", o->sigma2_A2, "sigma^2 of every path (Å²), constant model");
  cmd->add_option("--recursion-levels", o->recursion_levels, "Lanczos levels, recursion and hybrid models")->capture_default_str();
  cmd->add_option("--force-constant-scale", o->force_constant_scale,
                  "Multiplies every UFF spring constant (equation-of-motion, recursion, normal-modes, hybrid)")->capture_default_str();
  cmd->add_option("--c3", o->c3_A3, "Third cumulant of every path (Å³)");
  cmd->add_option("--c4", o->c4_A4, "Fourth cumulant of every path (Å⁴)");
  cmd->add_option("--s02", o->s02, "Amplitude reduction factor S0²")->capture_default_str();
  cmd->add_option("--e0", o->e0_eV, "Energy-origin shift ΔE0 (eV)")->capture_default_str();
  cmd->add_option("--critcw", o->critcw, "Curved-wave importance cut (% of path 1)")->capture_default_str();
  cmd->add_option("--critpw", o->critpw, "Plane-wave importance cut (% of path 1)")->capture_default_str();
  cmd->add_option("--iorder", o->iorder, "Rehr–Albers order for multiple-scattering paths (0..4)")->capture_default_str();
  cmd->add_option("--convention", o->convention, "chi sum convention: feff (ff2x) | larch")->capture_default_str();
  cmd->add_option("--phases", o->phases, "Phase-shift provider: feff (FEFF 8.5L pot/xsph) | native (in-process)")
      ->capture_default_str();
  cmd->add_option("-o,--output", o->output, "Output CSV with columns k,chi (Å⁻¹)")->capture_default_str();
  cmd->add_option("--paths", o->paths_file, "Also write the path list (index, legs, degeneracy, reff, importance)");
  cmd->add_flag("--timing", o->timing, "Print the time of each stage to stderr");
  cmd->add_option("--digits", o->digits, "Digits after the decimal point of chi in -o (%.Ne; 17 keeps every bit, and then k is printed with 17 significant digits)")
      ->capture_default_str()
      ->check(CLI::Range(1, 17));
  cmd->add_option("--feff-dir", o->feff_dir,
                  "Also write the paths as FEFF feffNNNN.dat files and paths.dat into this folder (Larch feffpath/feffit)");
}

}  // namespace

void add_spectrum_command(CLI::App& app) {
  auto o = std::make_shared<SpectrumOptions>();
  CLI::App* cmd = app.add_subcommand("spectrum", "EXAFS chi(k) of one absorber by the multiple-scattering path expansion");
  add_spectrum_options(cmd, o);
  cmd->callback([o] { run(*o); });
}

SpectrumCall spectrum_from_arguments(const std::vector<std::string>& arguments, const structure::Structure& structure) {
  auto o = std::make_shared<SpectrumOptions>();
  CLI::App app{"xasforge"};
  CLI::App* cmd = app.add_subcommand("spectrum");
  add_spectrum_options(cmd, o);
  std::vector<std::string> argv{"spectrum", structure.source.empty() ? std::string("<structure>") : structure.source};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  std::reverse(argv.begin(), argv.end());  // CLI11 takes the arguments in reverse order
  try {
    app.parse(argv);
  } catch (const CLI::ParseError& e) {
    throw InputError(std::string("spectrum: ") + e.what());
  }
  return compute(*o, structure);
}

std::size_t choose_absorber_site(const structure::Structure& s, const std::optional<std::size_t>& site,
                                 const std::string& absorber) {
  if (site && !absorber.empty()) throw InputError("--site and --absorber: give one of them, not both");
  if (site) {
    if (*site >= s.size()) {
      throw InputError(s.source + ": --site " + std::to_string(*site) + " is out of range; the structure has " +
                       std::to_string(s.size()) + " sites (0-based)");
    }
    return *site;
  }
  if (absorber.empty()) throw InputError("give the absorber: --site N (0-based) or --absorber ELEMENT");
  const int z = elements::atomic_number_or_throw(absorber);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.site(i).z == z) return i;
  }
  throw InputError(s.source + ": no site of element " + absorber + " (--absorber)");
}

}  // namespace xasforge::cli
