// `xasforge fit-shell STRUCTURE CHI.csv`: first-shell R-space fit of a measured χ(k) with
// xasforge's own paths (core/scattering/shell_fit.hpp), and the first-shell σ² that the
// Debye–Waller models predict for the same structure (docs/debye_waller.md).
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/elements/element.hpp"
#include "core/error.hpp"
#include "core/scattering/debye_waller.hpp"
#include "core/scattering/feff_input.hpp"
#include "core/scattering/feff_phase_provider.hpp"
#include "core/scattering/path_finder.hpp"
#include "core/scattering/rehr_albers.hpp"
#include "core/scattering/shell_fit.hpp"
#include "core/structure/readers.hpp"
#include "core/xafs/ft_window.hpp"
#include "workflows/cli/commands.hpp"
#include "workflows/cli/spectrum_command.hpp"

namespace xasforge::cli {
namespace {

struct ShellFitCliOptions {
  std::string structure_file, chi_file;
  std::optional<std::size_t> site;
  std::string absorber;
  std::string edge = "K";
  double cluster_radius_A = 8.0;
  double shell_tolerance = 1.2;
  double kmin = 3.0, kmax = 12.0, dk = 1.0, kweight = 2.0;
  std::string window = "hanning";
  double rmin = 1.0, rmax = 3.0;
  double s02 = 0.9, sigma2 = 0.005;
  double temperature_K = 300.0;
  double debye_temperature_K = 0.0;
  double force_constant_scale = 1.0;
  std::vector<double> scan_scales;
  std::string feff_inp;
};

// k,chi rows of `xasforge reduce`'s PREFIX_chi.csv (# comments and a header line skipped).
void read_chi_csv(const std::string& path, std::vector<double>& k, std::vector<double>& chi) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open");
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#' || line.rfind("k,", 0) == 0) continue;
    std::istringstream ls(line);
    double a = 0, b = 0;
    char comma = 0;
    if (!(ls >> a >> comma >> b) || comma != ',') {
      throw InputError(path + ":" + std::to_string(n) + ": expected 'k,chi' numbers, got '" + line + "'");
    }
    k.push_back(a);
    chi.push_back(b);
  }
  if (k.size() < 8) throw InputError(path + ": fewer than 8 k,chi rows");
}

void run(const ShellFitCliOptions& o) {
  std::vector<double> k, chi;
  read_chi_csv(o.chi_file, k, chi);
  const structure::Structure s = structure::read_structure(o.structure_file);
  const std::size_t site = choose_absorber_site(s, o.site, o.absorber);
  scattering::PhaseSettings ps;
  ps.edge = scattering::feff::parse_edge(o.edge);
  ps.cluster_radius_A = o.cluster_radius_A;
  const scattering::feff::FeffCluster cluster = scattering::feff::make_feff_cluster(s, site, o.cluster_radius_A);
  const std::vector<scattering::PathAtom> atoms = scattering::feff::path_atoms(cluster);
  if (!o.feff_inp.empty()) {
    scattering::feff::FeffCards cards;
    cards.title = "xasforge fit-shell " + s.name;
    cards.edge = ps.edge;
    cards.rpath_A = 3.5;
    cards.nleg = 2;
    std::ofstream f(o.feff_inp);
    if (!f) throw InputError(o.feff_inp + ": cannot open for writing");
    scattering::feff::write_feff_inp(f, cluster, cards);
  }
  scattering::FeffPhaseProvider provider;
  const scattering::PhaseShifts phases = provider.compute(s, site, ps);

  double r1 = 1e9;
  for (std::size_t i = 1; i < atoms.size(); ++i) r1 = std::min(r1, (atoms[i].position_A - atoms[0].position_A).norm());
  scattering::PathFinderOptions po;
  po.rmax_A = r1 * o.shell_tolerance + 0.01;
  po.max_legs = 2;
  po.critpw = 0.0;
  std::vector<scattering::ScatteringPath> all = scattering::find_paths(atoms, phases, po);
  std::vector<scattering::ScatteringPath> shell;
  for (const auto& p : all) {
    if (p.n_legs() == 2 && p.reff_A <= r1 * o.shell_tolerance + 1e-6) shell.push_back(p);
  }
  if (shell.empty()) throw PhysicsError(s.source + ": no single-scattering path in the first shell");
  scattering::RehrAlbersCalculator calc(phases);
  std::vector<std::vector<std::complex<double>>> amps(shell.size(), std::vector<std::complex<double>>(phases.k_invA.size()));
  for (std::size_t i = 0; i < shell.size(); ++i) calc.chi_tilde(shell[i], amps[i]);

  scattering::ShellFitOptions fo;
  fo.xftf.kmin_invA = o.kmin;
  fo.xftf.kmax_invA = o.kmax;
  fo.xftf.dk_invA = o.dk;
  fo.xftf.kweight = o.kweight;
  fo.xftf.window = xafs::parse_window(o.window);
  fo.rmin_A = o.rmin;
  fo.rmax_A = o.rmax;
  scattering::ShellFitParameters start;
  start.s02 = o.s02;
  start.sigma2_A2 = o.sigma2;
  const scattering::ShellFitResult r = scattering::fit_shell(phases, shell, amps, k, chi, fo, start);

  std::printf("structure %s site %zu, %zu path(s) in the shell:", s.name.c_str(), site, shell.size());
  for (const auto& p : shell) std::printf(" [N %.0f R %.4f Z %d]", p.degeneracy, p.reff_A, p.z.empty() ? 0 : p.z[0]);
  std::printf("\n");
  std::printf("fit s02 %.5f %.5f n_s02 %.4f %.4f e0 %.4f %.4f delta_r %.5f %.5f sigma2 %.6f %.6f r_factor %.6f n_idp %.2f iterations %d converged %d\n",
              r.best.s02, r.uncertainty.s02, r.n_s02, r.n_s02_uncertainty, r.best.e0_eV, r.uncertainty.e0_eV,
              r.best.delta_r_A, r.uncertainty.delta_r_A, r.best.sigma2_A2, r.uncertainty.sigma2_A2, r.r_factor,
              r.n_independent, r.iterations, r.converged ? 1 : 0);

  // σ² of the first path predicted by every model at the measurement temperature.
  scattering::DebyeWallerSettings dws;
  dws.temperature_K = o.temperature_K;
  dws.debye_temperature_K = o.debye_temperature_K;
  dws.rnorm_avg_A = phases.rnorm_avg_A;
  dws.force_constant_scale = o.force_constant_scale;
  std::vector<std::string> models = {"equation-of-motion", "recursion", "normal-modes"};
  if (o.debye_temperature_K > 0) {
    models.insert(models.begin(), "correlated-debye");
    models.push_back("hybrid");
  }
  for (const auto& name : models) {
    auto m = scattering::make_debye_waller_model(name, dws);
    m->set_cluster(atoms);
    double mean = 0.0, weight = 0.0;
    for (const auto& p : shell) {
      mean += p.degeneracy * m->sigma2_A2(p, cluster.z_of_ipot[0]);
      weight += p.degeneracy;
    }
    std::printf("predicted %s %.6f first %.6f T %.1f\n", name.c_str(), mean / weight, m->sigma2_A2(shell.front(), cluster.z_of_ipot[0]),
                o.temperature_K);
  }
  // The same (normal modes) for other spring scales, for cross-validated calibration.
  for (double scale : o.scan_scales) {
    scattering::DebyeWallerSettings d = dws;
    d.force_constant_scale = scale;
    auto m = scattering::make_debye_waller_model("normal-modes", d);
    m->set_cluster(atoms);
    double mean = 0.0, weight = 0.0;
    for (const auto& p : shell) {
      mean += p.degeneracy * m->sigma2_A2(p, cluster.z_of_ipot[0]);
      weight += p.degeneracy;
    }
    std::printf("scan normal-modes scale %.4f %.6f\n", scale, mean / weight);
  }
}

}  // namespace

void add_shell_fit_command(CLI::App& app) {
  auto o = std::make_shared<ShellFitCliOptions>();
  CLI::App* cmd = app.add_subcommand("fit-shell",
                                     "First-shell R-space fit (S0², ΔE0, ΔR, σ²) of a reduced chi(k) with xasforge's paths, "
                                     "and the first-shell σ² each Debye–Waller model predicts");
  cmd->add_option("structure", o->structure_file, "Structure file (MP JSON, CIF, POSCAR, XYZ)")->required();
  cmd->add_option("chi", o->chi_file, "chi(k) as k,chi CSV (xasforge reduce's PREFIX_chi.csv)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--site", o->site, "Absorbing site index (0-based)");
  cmd->add_option("--absorber", o->absorber, "Absorbing element: the first site of this element");
  cmd->add_option("--edge", o->edge, "Absorption edge")->capture_default_str();
  cmd->add_option("--cluster-radius", o->cluster_radius_A, "Cluster radius (Å)")->capture_default_str();
  cmd->add_option("--shell-tolerance", o->shell_tolerance,
                  "Paths with R ≤ tolerance × nearest-neighbour distance form the shell (shared S0², ΔE0, σ², ΔR/R)")
      ->capture_default_str();
  cmd->add_option("--kmin", o->kmin, "FT k min (1/Å)")->capture_default_str();
  cmd->add_option("--kmax", o->kmax, "FT k max (1/Å)")->capture_default_str();
  cmd->add_option("--dk", o->dk, "FT window taper (1/Å)")->capture_default_str();
  cmd->add_option("--kweight", o->kweight, "k-weight")->capture_default_str();
  cmd->add_option("--window", o->window, "FT window")->capture_default_str();
  cmd->add_option("--rmin", o->rmin, "Fit range R min (Å)")->capture_default_str();
  cmd->add_option("--rmax", o->rmax, "Fit range R max (Å)")->capture_default_str();
  cmd->add_option("--s02", o->s02, "Start value of S0²")->capture_default_str();
  cmd->add_option("--sigma2", o->sigma2, "Start value of σ² (Å²)")->capture_default_str();
  cmd->add_option("--temperature", o->temperature_K, "Measurement temperature for the predicted σ² (K)")->capture_default_str();
  cmd->add_option("--debye-temperature", o->debye_temperature_K, "Θ_D for the correlated-Debye prediction (0 = skip)");
  cmd->add_option("--force-constant-scale", o->force_constant_scale, "Multiplies every UFF spring constant")->capture_default_str();
  cmd->add_option("--scan-scales", o->scan_scales, "Also print the normal-mode σ² for these spring scales")->delimiter(',');
  cmd->add_option("--feff-inp", o->feff_inp, "Also write FEFF's feff.inp of the cluster (for a Larch cross-check)");
  cmd->callback([o] { run(*o); });
}

}  // namespace xasforge::cli
