// `xasforge average SNAPSHOT... (--site N | --absorber EL --all-sites) [options] -o chi.csv`:
// configuration-averaged chi(k) over MD snapshots (docs/physics.md §8.1). Phase shifts are computed
// once, for the average structure (FEFF 8.5L's pot/xsph modules, or read from --phases DIR).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <thread>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/elements/element.hpp"
#include "core/ensemble/average_structure.hpp"
#include "core/ensemble/configuration_average.hpp"
#include "core/ensemble/snapshot_chi.hpp"
#include "core/ensemble/trajectory_io.hpp"
#include "core/error.hpp"
#include "core/scattering/feff_files.hpp"
#include "core/scattering/feff_input.hpp"
#include "core/scattering/feff_phase_provider.hpp"
#include "core/scattering/phase_provider_factory.hpp"
#include "core/structure/cluster.hpp"
#include "workflows/cli/average_command.hpp"
#include "workflows/cli/commands.hpp"

namespace xasforge::cli {
namespace {

struct AverageOptions {
  std::vector<std::string> snapshots;
  long site = -1;
  std::string absorber;
  bool all_sites = false;
  // The snapshot-average defaults, defined once in ensemble::SnapshotChiOptions.
  double rmax_A = ensemble::SnapshotChiOptions{}.rmax_A;
  int max_legs = ensemble::SnapshotChiOptions{}.max_legs;
  double cluster_radius_A = ensemble::SnapshotChiOptions{}.cluster_radius_A;
  std::string sigma2_model = "none";
  std::string output = "chi.csv";
  std::string phases_dir;
  std::string types;
  std::string edge = "K";
  double s02 = 1.0;
  unsigned threads = 1;
  bool exact_ms = false;
};

// Phase shifts of the average structure, once, from the named provider (feff: FEFF 8.5L's
// potential and phase modules; native: in process; core/scattering/phase_provider_factory.hpp).
scattering::PhaseShifts phases_from_provider(const std::string& provider_name, const structure::Structure& average,
                                             std::size_t absorber, double radius_A, const std::string& edge) {
  scattering::PhaseSettings settings;
  settings.cluster_radius_A = radius_A;
  try {
    settings.edge = scattering::feff::parse_edge(edge);
  } catch (const InputError& e) {
    throw InputError(std::string("average: --edge: ") + e.what());
  }
  const auto provider = scattering::make_phase_provider(provider_name, "average: --phases");
  return provider->compute(average, absorber, settings);
}

std::vector<std::string> split_types(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string t;
  while (std::getline(ss, t, ',')) out.push_back(t);
  return out;
}

ensemble::AverageResult compute_average(const AverageOptions& o) {
  if (o.sigma2_model != "none")
    throw InputError("average: --sigma2-model must be 'none': the snapshots already contain the thermal and "
                     "static disorder; a model sigma^2 would count it twice (docs/physics.md §8.1)");
  if ((o.site >= 0) == o.all_sites)
    throw InputError("average: give exactly one of --site N or --absorber EL --all-sites");
  if (o.all_sites && o.absorber.empty()) throw InputError("average: --all-sites needs --absorber EL");
  std::vector<structure::Structure> snapshots;
  const auto types = split_types(o.types);
  for (const auto& f : o.snapshots)
    for (auto& s : ensemble::read_trajectory(f, types)) snapshots.push_back(std::move(s));
  const auto average = ensemble::average_structure(snapshots);
  std::vector<std::size_t> sites;
  if (o.site >= 0) {
    if (static_cast<std::size_t>(o.site) >= average.size())
      throw InputError("average: --site " + std::to_string(o.site) + " but the snapshots have " +
                       std::to_string(average.size()) + " atoms (sites are numbered from 0)");
    sites = {static_cast<std::size_t>(o.site)};
  } else {
    sites = ensemble::sites_of_element(average, elements::atomic_number_or_throw(o.absorber));
    if (sites.empty()) throw InputError("average: no " + o.absorber + " atom in the snapshots");
  }
  // --phases: a provider name (feff, native) or a FEFF run folder to read
  const bool named = o.phases_dir.empty() || o.phases_dir == "feff" || o.phases_dir == "native";
  const auto phases = named ? phases_from_provider(o.phases_dir.empty() ? std::string("feff") : o.phases_dir, average,
                                                   sites.front(), o.cluster_radius_A, o.edge)
                            : scattering::feff::read_phase_shifts(o.phases_dir);
  ensemble::SnapshotChiOptions so;
  so.rmax_A = o.rmax_A;
  so.max_legs = o.max_legs;
  so.cluster_radius_A = o.cluster_radius_A;
  so.s02 = o.s02;
  so.tabulate_triangles = !o.exact_ms;
  // One calculator per thread (RehrAlbersCalculator owns a cache); absorbers of each snapshot are
  // split round-robin. The sum order per snapshot is fixed, so any thread count gives the same result.
  const unsigned n_threads = std::max(1u, o.threads);
  std::vector<std::unique_ptr<ensemble::SnapshotChiCalculator>> calcs;
  for (unsigned t = 0; t < n_threads; ++t) {
    calcs.push_back(std::make_unique<ensemble::SnapshotChiCalculator>(phases, so));
    if (t > 0) calcs[t]->share_triangle_table(*calcs[0]);  // double-scattering nodes computed once
  }
  ensemble::ConfigurationAverage acc;
  for (const auto& snap : snapshots) {
    std::vector<std::vector<double>> chis(sites.size());
    std::vector<std::thread> pool;
    std::vector<std::exception_ptr> errors(n_threads);
    for (unsigned t = 0; t < n_threads; ++t)
      pool.emplace_back([&, t] {
        try {
          for (std::size_t i = t; i < sites.size(); i += n_threads) chis[i] = calcs[t]->chi(snap, sites[i]);
        } catch (...) {
          errors[t] = std::current_exception();
        }
      });
    for (auto& th : pool) th.join();
    for (auto& e : errors)
      if (e) std::rethrow_exception(e);
    acc.add_snapshot(chis);
  }
  return ensemble::AverageResult{acc.mean(), acc.standard_error(), acc.n_snapshots(), acc.n_spectra()};
}

void run_average(const AverageOptions& o) {
  const ensemble::AverageResult result = compute_average(o);
  std::ofstream out(o.output);
  if (!out) throw InputError(o.output + ": cannot write");
  out << "# xasforge average: " << result.n_snapshots << " snapshots, " << result.n_spectra
      << " spectra, rmax " << o.rmax_A << " A, max-legs " << o.max_legs << ", sigma2 0\n";
  out << "k,chi,stderr\n";
  const auto k = ensemble::feff_output_k_grid();
  char line[128];
  for (std::size_t i = 0; i < k.size(); ++i) {
    std::snprintf(line, sizeof line, "%.4f,%.8e,%.8e\n", k[i], result.chi[i], result.stderr_chi[i]);
    out << line;
  }
  std::cerr << "xasforge average: " << result.n_snapshots << " snapshots x " << result.n_spectra / std::max<std::size_t>(1, result.n_snapshots)
            << " absorbers -> " << o.output << '\n';
}

void add_average_options(CLI::App* cmd, const std::shared_ptr<AverageOptions>& opts) {
  cmd->add_option("snapshots", opts->snapshots, "Snapshot files: extended XYZ with Lattice, LAMMPS dump")
      ->required();
  cmd->add_option("--site", opts->site, "Absorber site index (0-based)");
  cmd->add_option("--absorber", opts->absorber, "Absorbing element (with --all-sites)");
  cmd->add_flag("--all-sites", opts->all_sites, "Average over every site of --absorber");
  cmd->add_option("--rmax", opts->rmax_A, "Maximum half path length (Å)");
  cmd->add_option("--max-legs", opts->max_legs, "Maximum number of legs per path");
  cmd->add_option("--cluster-radius", opts->cluster_radius_A, "Cluster radius around each absorber (Å)");
  cmd->add_option("--sigma2-model", opts->sigma2_model, "Must be 'none' (disorder is explicit)");
  cmd->add_option("--phases", opts->phases_dir,
                  "Phase shifts: feff (run FEFF 8.5L, default) | native (in-process potentials) | DIR (read a FEFF folder)");
  cmd->add_option("--types", opts->types, "Elements of LAMMPS types 1,2,... (e.g. Cu,Ni)");
  cmd->add_option("--edge", opts->edge, "Absorption edge (K, L1, L2, L3)");
  cmd->add_option("--s02", opts->s02, "Amplitude reduction factor S0^2");
  cmd->add_option("-o,--output", opts->output, "Output CSV (k,chi,stderr)");
  cmd->add_option("--threads", opts->threads, "Threads over the absorbers of each snapshot");
  cmd->add_flag("--exact-ms", opts->exact_ms,
                "Rehr-Albers F_eff for every double-scattering path instead of the interpolation table");
}

}  // namespace

void add_average_command(CLI::App& app) {
  auto opts = std::make_shared<AverageOptions>();
  auto* cmd = app.add_subcommand("average", "Configuration-averaged chi(k) over MD snapshots (sigma^2 = 0)");
  add_average_options(cmd, opts);
  cmd->callback([opts] { run_average(*opts); });
}

AverageCall average_from_arguments(const std::vector<std::string>& arguments) {
  auto opts = std::make_shared<AverageOptions>();
  CLI::App app{"xasforge"};
  auto* cmd = app.add_subcommand("average");
  add_average_options(cmd, opts);
  std::vector<std::string> argv{"average"};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  std::reverse(argv.begin(), argv.end());  // CLI11 takes the arguments in reverse order
  try {
    app.parse(argv);
  } catch (const CLI::ParseError& e) {
    throw InputError(std::string("average: ") + e.what());
  }
  return AverageCall{ensemble::feff_output_k_grid(), compute_average(*opts)};
}

}  // namespace xasforge::cli
