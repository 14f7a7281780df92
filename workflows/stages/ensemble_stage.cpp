#include "workflows/stages/ensemble_stage.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "core/elements/element.hpp"
#include "core/ensemble/md_engine.hpp"
#include "core/ensemble/md_system.hpp"
#include "core/ensemble/potential.hpp"
#include "core/ensemble/random_stream.hpp"
#include "core/ensemble/rmc.hpp"
#include "core/ensemble/snapshot_chi.hpp"
#include "core/ensemble/sutton_chen.hpp"
#include "core/ensemble/thermostat.hpp"
#include "core/ensemble/trajectory_io.hpp"
#include "core/error.hpp"
#include "core/numerics/numerics.hpp"
#include "core/numerics/random.hpp"
#include "core/scattering/feff_input.hpp"
#include "core/scattering/feff_phase_provider.hpp"
#include "core/scattering/phase_provider_factory.hpp"
#include "core/structure/cluster.hpp"
#include "workflows/campaign_plan.hpp"
#include "workflows/stages/spectrum_stage.hpp"

namespace xasforge::workflows {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();


std::string at_line(const CampaignConfig& c, int line) { return c.source + ":" + std::to_string(line) + ": "; }

Eigen::Vector3d perpendicular_widths(const Eigen::Matrix3d& m) {
  const Eigen::Vector3d a = m.row(0), b = m.row(1), c = m.row(2);
  const double v = std::abs(a.dot(b.cross(c)));
  return {v / b.cross(c).norm(), v / c.cross(a).norm(), v / a.cross(b).norm()};
}

/// Linear interpolation of (x, y) onto grid; NaN outside [x.front(), x.back()].
std::vector<double> onto_grid(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& grid) {
  std::vector<double> out(grid.size(), kNaN);
  for (std::size_t i = 0, j = 0; i < grid.size() && x.size() >= 2; ++i) {
    const double g = grid[i];
    if (g < x.front() - 1e-9 || g > x.back() + 1e-9) continue;
    while (j + 2 < x.size() && x[j + 1] < g) ++j;
    const double t = std::clamp((g - x[j]) / (x[j + 1] - x[j]), 0.0, 1.0);
    out[i] = y[j] + t * (y[j + 1] - y[j]);
  }
  return out;
}

std::string structure_name_of(const mpi::ItemEntry& item) { return item.key.substr(0, item.key.find('/')); }

}  // namespace

std::array<int, 3> supercell_repeats(const structure::Structure& s, double min_width_A) {
  if (!s.is_periodic())
    throw InputError(s.source + ": an ensemble needs a periodic structure (this one is a cluster)");
  const Eigen::Vector3d w = perpendicular_widths(s.lattice().matrix_A());
  std::array<int, 3> n{};
  for (int i = 0; i < 3; ++i) n[static_cast<std::size_t>(i)] = std::max(1, static_cast<int>(std::ceil(min_width_A / w[i] - 1e-9)));
  return n;
}

std::uint64_t member_seed(std::uint64_t campaign_seed, const std::string& structure_name, int member) {
  return random::mix_seed(campaign_seed, structure_name + "/" + std::to_string(member));  // (E10.4)
}

std::array<double, 2> first_shell_window(const structure::Structure& s, std::size_t site) {
  std::vector<structure::ClusterAtom> cluster;
  for (double radius_A : {5.0, 10.0}) {
    cluster = structure::build_cluster(s, site, radius_A);
    if (cluster.size() > 2) break;
  }
  if (cluster.size() < 2) throw PhysicsError(s.source + ": site " + std::to_string(site) + " has no neighbour within 10 Å");
  const double d1 = cluster[1].distance_A;
  double hi = 1.15 * d1;
  for (std::size_t i = 2; i < cluster.size(); ++i)
    if (cluster[i].distance_A > 1.05 * d1) {
      hi = std::min(0.5 * (d1 + cluster[i].distance_A), 1.25 * d1);
      break;
    }
  return {std::max(0.5 * d1, 2 * d1 - hi), hi};
}

std::vector<std::size_t> class_atoms_in_supercell(const structure::Structure& s, const std::vector<std::size_t>& class_sites,
                                                  const structure::Structure& super) {
  if (!s.is_periodic() || !super.is_periodic())
    throw InputError(super.source + ": trajectory frames and the structure must both be periodic");
  const Eigen::Matrix3d L = s.lattice().matrix_A(), C = super.lattice().matrix_A();
  const Eigen::Matrix3d M = C * L.inverse();  // rows: supercell vectors in units of the cell's
  const Eigen::Matrix3d R = M.array().round().matrix();
  if ((M - R).cwiseAbs().maxCoeff() > 0.15 || std::abs(R.determinant()) < 0.5)
    throw InputError(super.source + ": the frame's cell is not a supercell of " + s.source +
                     " (cell ratio rows not integer within 0.15)");
  const double n_cells = std::abs(R.determinant());
  if (std::abs(static_cast<double>(super.size()) - n_cells * static_cast<double>(s.size())) > 0.5)
    throw InputError(super.source + ": " + std::to_string(super.size()) + " atoms, but a " +
                     std::to_string(static_cast<long>(std::lround(n_cells))) + "-cell supercell of " + s.source +
                     " has " + std::to_string(static_cast<long>(std::lround(n_cells * static_cast<double>(s.size())))));
  const Eigen::Matrix3d l_eff = R.inverse() * C;  // the frame's own (strained) copy of the cell
  const Eigen::Matrix3d to_frac = l_eff.transpose().inverse();
  const double d1 = structure::build_cluster(s, class_sites.front(), 10.0).at(1).distance_A;
  const std::vector<bool> in_class = [&] {
    std::vector<bool> v(s.size(), false);
    for (auto i : class_sites) v.at(i) = true;
    return v;
  }();
  const int z = s.site(class_sites.front()).z;
  std::vector<std::size_t> out;
  for (std::size_t j = 0; j < super.size(); ++j) {
    if (super.site(j).z != z) continue;
    const Eigen::Vector3d f = to_frac * super.site(j).cartesian_A;
    double best = std::numeric_limits<double>::infinity();
    std::size_t best_site = 0;
    for (std::size_t t = 0; t < s.size(); ++t) {
      if (s.site(t).z != z) continue;
      Eigen::Vector3d d = f - s.site(t).fractional;
      d -= d.array().round().matrix();
      const double dist = (l_eff.transpose() * d).norm();
      if (dist < best) best = dist, best_site = t;
    }
    if (best > 0.3 * d1)
      throw InputError(super.source + ": atom " + std::to_string(j) + " is " + std::to_string(best) +
                       " Å from every " + std::string(elements::element(z).symbol) + " site of " + s.source +
                       " (allowed: 0.3 x the nearest-neighbour distance)");
    if (in_class[best_site]) out.push_back(j);
  }
  return out;
}

void read_k_chi(const std::string& path, std::vector<double>& k, std::vector<double>& chi) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot read the k,chi file");
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream is(line);
    double a = 0, b = 0;
    if (!(is >> a >> b)) {
      if (k.empty() && std::isalpha(static_cast<unsigned char>(line[first]))) continue;  // header "k,chi"
      throw InputError(path + ":" + std::to_string(n) + ": expected two numbers k, chi");
    }
    if (!k.empty() && !(a > k.back())) throw InputError(path + ":" + std::to_string(n) + ": k must increase");
    k.push_back(a);
    chi.push_back(b);
  }
  if (k.size() < 10) throw InputError(path + ": fewer than 10 k,chi points");
}

void check_ensemble_inputs(const CampaignConfig& c) {
  const auto& e = c.ensemble;
  if (e.kind == "trajectory") {
    const std::string where = at_line(c, e.trajectory_file_line) + "ensemble.trajectory.file: ";
    if (!std::filesystem::exists(e.trajectory_file)) throw InputError(where + e.trajectory_file + ": no such file");
    std::map<int, std::pair<structure::Structure, std::array<int, 3>>> md_snapshots;  // member -> snapshot
  std::vector<structure::Structure> frames;
    try {
      frames = ensemble::read_trajectory(e.trajectory_file, e.trajectory_types);
    } catch (const std::exception& ex) {
      throw InputError(where + ex.what());
    }
    const long long need = static_cast<long long>(e.members - 1) * e.trajectory_stride + 1;
    if (static_cast<long long>(frames.size()) < need)
      throw InputError(where + e.trajectory_file + " has " + std::to_string(frames.size()) + " frame(s); members = " +
                       std::to_string(e.members) + " with stride " + std::to_string(e.trajectory_stride) + " need " +
                       std::to_string(need) + " (line " + std::to_string(e.members_line) + ")");
    for (std::size_t i = 0; i < frames.size(); ++i)
      if (!frames[i].is_periodic())
        throw InputError(where + e.trajectory_file + ": frame " + std::to_string(i) +
                         " has no lattice; allowed: periodic frames (extended XYZ Lattice=, LAMMPS box)");
  }
  if (e.kind == "rmc") {
    const std::string where = at_line(c, e.rmc_target_line) + "ensemble.rmc.target: ";
    std::vector<double> k, chi;
    try {
      read_k_chi(e.rmc_target, k, chi);
    } catch (const std::exception& ex) {
      throw InputError(where + ex.what());
    }
    if (k.front() > c.features.k_min_invA - 0.5 || k.back() < c.features.k_max_invA + 0.5)
      throw InputError(where + e.rmc_target + " covers k " + std::to_string(k.front()) + "-" +
                       std::to_string(k.back()) + " Å⁻¹; the fit range features.k needs 0.5 Å⁻¹ beyond each end");
  }
}

// ---------------------------------------------------------------------------------------------

struct EnsembleStage::Cache {
  struct Group {  // one (structure, class, edge) on this rank
    std::vector<std::size_t> class_sites;
    std::array<double, 2> window{};
    double d1_A = 0;  // nearest-neighbour distance of the ideal structure
    std::shared_ptr<const scattering::PhaseShifts> phases;
    std::unique_ptr<ensemble::SnapshotChiCalculator> calculator;
  };
  std::int32_t structure = -1;
  std::map<std::string, Group> groups;  // key: site/edge
  std::map<int, std::pair<structure::Structure, std::array<int, 3>>> md_snapshots;  // member -> snapshot
  std::vector<structure::Structure> frames;
  std::map<std::int32_t, std::pair<std::int32_t, std::vector<std::size_t>>> frame_atoms;  // site -> atoms
  std::vector<double> target_k, target_chi;
};

EnsembleStage::EnsembleStage(const CampaignConfig& config)
    : kind_(config.ensemble.kind),
      k_invA_(shared_k_grid_invA(config)),
      provider_(scattering::make_phase_provider(config.scattering.phases, "scattering.phases")),
      cache_(std::make_unique<Cache>()) {}

EnsembleStage::~EnsembleStage() = default;

std::vector<mpi::BlockSpec> EnsembleStage::blocks() const {
  std::vector<mpi::BlockSpec> b = {
      {"/spectra/chi", k_invA_.size(), "",
       kind_ == "rmc" ? "chi(k) of the member's RMC model (fit range of features.k +- 0.5, NaN outside)"
                      : "chi(k) of the member: mean over the absorber class's atoms of the configuration, sigma^2 = 0",
       "/spectra/k", k_invA_, "angstrom^-1"},
      {"/spectra/n_paths", 1, "", "mean number of scattering paths per absorber (NaN for rmc)", "", {}, ""},
      {"/ensemble/member_absorbers", 1, "", "absorber atoms of the class in the member's configuration", "", {}, ""},
      {"/ensemble/member_sigma2", 1, "angstrom^2",
       "first-shell sigma^2 of the member's configuration (variance of absorber-neighbour distances)", "", {}, ""},
      {"/ensemble/member_first_shell_r", 1, "angstrom", "mean first-shell distance of the member's configuration", "",
       {}, ""},
  };
  if (kind_ == "rmc") {
    b.push_back({"/ensemble/member_misfit", 1, "", "final RMC misfit in ensemble.rmc.space", "", {}, ""});
    b.push_back({"/ensemble/member_r_factor", 1, "", "final k-space R-factor (features.k, k^kweight)", "", {}, ""});
    b.push_back({"/ensemble/member_s02", 1, "", "S0^2 refitted during the RMC run", "", {}, ""});
  }
  return b;
}

void EnsembleStage::run(const StageContext& context, RowValues& row) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto& cfg = context.config;
  const auto& e = cfg.ensemble;
  const auto& s = context.structure;
  const auto& item = context.item;
  const std::string name = structure_name_of(item);
  const auto site = static_cast<std::size_t>(item.site);
  if (!s.is_periodic()) throw InputError(s.source + ": ensemble kind " + kind_ + " needs a periodic structure");

  // Per structure: classes, first-shell window, phase shifts (FEFF once per structure and class
  // through the provider's cache) and the σ² = 0 calculator.
  if (cache_->structure != item.structure) {
    cache_->structure = item.structure;
    cache_->groups.clear();
    cache_->frame_atoms.clear();
    cache_->md_snapshots.clear();
  }
  const std::string gkey = std::to_string(item.site) + "/" + item.edge;
  auto& g = cache_->groups[gkey];
  if (!g.phases) {
    for (const auto& cls : absorber_classes_of(s, item.z))
      if (cls.sites.front() == site) g.class_sites = cls.sites;
    if (g.class_sites.empty()) g.class_sites = {site};
    g.window = first_shell_window(s, site);
    g.d1_A = structure::build_cluster(s, site, g.window[1] + 0.01).at(1).distance_A;
    scattering::PhaseSettings ps;
    ps.edge = scattering::feff::parse_edge(item.edge);
    ps.cluster_radius_A = cfg.scattering.cluster_radius_A;
    g.phases = std::make_shared<const scattering::PhaseShifts>(provider_->compute(s, site, ps));
    ensemble::SnapshotChiOptions so;
    so.rmax_A = cfg.scattering.rmax_A;
    so.max_legs = cfg.scattering.max_legs;
    so.cluster_radius_A = cfg.scattering.cluster_radius_A;
    so.s02 = cfg.scattering.s02;
    g.calculator = std::make_unique<ensemble::SnapshotChiCalculator>(*g.phases, so);
  }

  // The member's configuration and the atoms of the absorber class in it.
  structure::Structure config;
  std::vector<std::size_t> atoms;
  auto supercell_atoms = [&](const std::array<int, 3>& n) {
    const std::size_t images = static_cast<std::size_t>(n[0]) * static_cast<std::size_t>(n[1]) * static_cast<std::size_t>(n[2]);
    std::vector<std::size_t> out;  // make_supercell: images outer, sites inner
    for (std::size_t img = 0; img < images; ++img)
      for (auto cs : g.class_sites) out.push_back(img * s.size() + cs);
    return out;
  };
  const std::uint64_t seed = member_seed(cfg.seed, name, item.member);
  if (kind_ == "md" && cache_->md_snapshots.count(item.member)) {
    // The snapshot depends on (seed, structure, member) only: other classes and edges of the
    // structure computed on this rank reuse it (the same numbers as computing it again).
    const auto& [snap, n] = cache_->md_snapshots.at(item.member);
    config = snap;
    atoms = supercell_atoms(n);
  } else if (kind_ == "md") {
    const auto n = supercell_repeats(s, e.md_supercell_min_A);
    ensemble::MdSystem system = ensemble::make_supercell(s, n[0], n[1], n[2]);
    std::string potential = e.md_potential;
    int element = s.site(0).z;
    bool elemental = true;
    for (const auto& st : s.sites()) elemental = elemental && st.z == element;
    const bool has_sc = elemental && ensemble::sutton_chen_parameters(element).has_value();
    if (potential == "auto") potential = has_sc ? "sutton_chen" : "einstein";
    if (potential == "sutton_chen" && !has_sc)
      throw InputError(at_line(cfg, e.potential_line) + "ensemble.md.potential: sutton_chen has no published "
                       "parameters for " + s.reduced_formula() + " (" + s.source + ", item " + item.key +
                       "); allowed: an elemental Ni, Cu, Rh, Pd, Ag, Ir, Pt, Au, Pb or Al structure, or auto / einstein");
    std::map<std::string, double> params;
    if (potential == "sutton_chen") params["element"] = element;
    else params["theta_K"] = e.md_einstein_temperature_K;
    ensemble::MdOptions o;
    o.timestep_fs = e.md_timestep_fs;
    o.temperature_K = e.md_temperature_K;
    o.thermostat = ensemble::parse_thermostat(e.md_thermostat);
    o.seed = seed;
    if (e.md_cell == "relaxed" && potential != "einstein") {
      // Isotropic scale f of the ideal supercell minimising the static energy (golden section on
      // [0.9, 1.1] to 1e-7): the potential's own zero-pressure cell, so that NVT runs unstrained.
      auto energy = [&](double f) {
        ensemble::MdSystem t = system;
        t.cell_A *= f;
        for (auto& r : t.position_A) r *= f;
        ensemble::MdEngine probe(t, ensemble::make_potential(potential, params, t), o);
        return probe.potential_energy_eV();
      };
      const auto search = numerics::golden_section_minimum(energy, 0.9, 1.1, 1e-7);
      const double f = 0.5 * (search.lo + search.hi);
      system.cell_A *= f;
      for (auto& r : system.position_A) r *= f;
    }
    auto pot = ensemble::make_potential(potential, params, system);
    ensemble::MdEngine engine(std::move(system), std::move(pot), o);
    engine.initialize_velocities(e.md_temperature_K);
    engine.run(static_cast<std::size_t>(e.md_equilibration_steps));
    config = ensemble::to_structure(engine.system());
    atoms = supercell_atoms(n);
    if (cache_->md_snapshots.size() < 256) cache_->md_snapshots.emplace(item.member, std::make_pair(config, n));
  } else if (kind_ == "trajectory") {
    if (cache_->frames.empty()) cache_->frames = ensemble::read_trajectory(e.trajectory_file, e.trajectory_types);
    const auto frame = static_cast<std::size_t>(item.member) * static_cast<std::size_t>(e.trajectory_stride);
    if (frame >= cache_->frames.size())
      throw InputError(at_line(cfg, e.trajectory_file_line) + "ensemble.trajectory.file: " + e.trajectory_file +
                       " has no frame " + std::to_string(frame) + " (item " + item.key + ")");
    config = cache_->frames[frame];
    config.source = e.trajectory_file + " frame " + std::to_string(frame);
    // Class atoms from the first frame (every frame has the same atom order).
    auto& fa = cache_->frame_atoms[item.site];
    if (fa.second.empty()) {
      structure::Structure first = cache_->frames.front();
      first.source = e.trajectory_file + " frame 0";
      try {
        fa.second = class_atoms_in_supercell(s, g.class_sites, first);
      } catch (const InputError& ex) {
        throw InputError(at_line(cfg, e.trajectory_file_line) + "ensemble.trajectory.file: " + ex.what() +
                         " (item " + item.key + ")");
      }
    }
    atoms = fa.second;
    if (config.size() != cache_->frames.front().size())
      throw InputError(config.source + ": " + std::to_string(config.size()) + " atoms, frame 0 has " +
                       std::to_string(cache_->frames.front().size()));
  } else if (kind_ == "rmc") {
    if (cache_->target_k.empty()) read_k_chi(e.rmc_target, cache_->target_k, cache_->target_chi);
    const auto n = supercell_repeats(s, e.rmc_supercell_min_A);
    ensemble::MdSystem start = ensemble::make_supercell(s, n[0], n[1], n[2]);
    ensemble::RandomStream rng(seed, "rmc.start");
    for (auto& r : start.position_A) r += e.rmc_start_displacement_A * rng.normal3();
    const auto start_s = ensemble::to_structure(start);
    atoms = supercell_atoms(n);
    const double width = perpendicular_widths(start.cell_A).minCoeff();
    ensemble::RmcOptions o;
    o.chi_rmax_A = std::min(cfg.scattering.rmax_A, 0.5 * width - 0.05);
    o.max_step_A = e.rmc_max_step_A;
    o.min_distance_A = 0.78 * g.d1_A;  // closest approach: 2.0 Å for Cu (d1 2.55 Å), as in the RMC tests
    o.n_moves = static_cast<std::size_t>(e.rmc_moves);
    o.temperature = e.rmc_temperature;
    o.final_temperature = 0.0;
    o.history_every = std::max<std::size_t>(1, o.n_moves / 10);
    o.refit_s02_every = std::max<std::size_t>(500, o.n_moves / 40);
    o.seed = seed;
    o.chain = item.member;
    ensemble::RmcDataset d;
    d.absorber_z = item.z;
    d.phases = *g.phases;
    d.k_invA = cache_->target_k;
    d.chi = cache_->target_chi;
    d.k_min_invA = cfg.features.k_min_invA;
    d.k_max_invA = cfg.features.k_max_invA;
    d.k_weight = cfg.features.kweight;
    d.space = ensemble::parse_residual_space(e.rmc_space);
    d.r_min_A = e.rmc_r_min_A;
    d.r_max_A = e.rmc_r_max_A;
    d.s02 = cfg.scattering.s02;
    if (cfg.scattering.max_legs > 2) {
      // Fixed multiple-scattering background of the start configuration (a few class atoms).
      ensemble::SnapshotChiOptions so = g.calculator->options();
      so.rmax_A = o.chi_rmax_A;
      std::vector<std::size_t> some;
      for (std::size_t i = 0; i < atoms.size() && some.size() < 4; i += std::max<std::size_t>(1, atoms.size() / 4))
        some.push_back(atoms[i]);
      d.background = ensemble::multiple_scattering_background(start_s, some, *g.phases, so);
      d.background_k_invA = ensemble::feff_output_k_grid();
    }
    std::vector<ensemble::RmcDataset> sets = {d};
    ensemble::fit_s02_e0(start_s, sets, 0, o, -10, 10, 0.5);
    const auto res = ensemble::run_rmc(start_s, sets, o);
    config = res.final_configuration;
    // The fitted model on the shared grid: the fit grid (features.k ± 0.5 Å⁻¹), NaN outside.
    row["/spectra/chi"] = onto_grid(res.fit_k[0], res.model_chi[0], k_invA_);
    row["/spectra/n_paths"] = {kNaN};
    row["/ensemble/member_misfit"] = {res.misfit_per_set[0]};
    row["/ensemble/member_r_factor"] = {res.r_factor[0]};
    row["/ensemble/member_s02"] = {res.s02[0]};
  }
  if (atoms.empty())
    throw InputError("item " + item.key + ": no atom of the absorber class in the member's configuration");

  // First-shell σ² and distance of the class's atoms.
  double n = 0, sum = 0, sum2 = 0;
  for (auto a : atoms)
    for (const auto& c : structure::build_cluster(config, a, g.window[1]))
      if (c.distance_A >= g.window[0] && c.distance_A < g.window[1]) n += 1, sum += c.distance_A, sum2 += c.distance_A * c.distance_A;
  const double mean_r = n > 0 ? sum / n : kNaN;
  row["/ensemble/member_absorbers"] = {static_cast<double>(atoms.size())};
  row["/ensemble/member_sigma2"] = {n > 0 ? std::max(0.0, sum2 / n - mean_r * mean_r) : kNaN};
  row["/ensemble/member_first_shell_r"] = {mean_r};
  if (kind_ == "rmc") return;

  // χ(k) with σ² = 0: the mean over the class's atoms (in atom order: the same on every rank).
  // A fresh calculator per item: the Rehr–Albers caches and the double-scattering table fill in
  // the order paths are met, and their last bits depend on it, so a calculator carried from one
  // item to the next would make results depend on which items a rank ran before (rank count,
  // resume). Phase shifts still come once per structure and class from the provider's cache.
  ensemble::SnapshotChiCalculator calculator(*g.phases, g.calculator->options());
  const auto kg = ensemble::feff_output_k_grid();
  std::vector<double> mean(kg.size(), 0.0);
  double paths = 0;
  for (auto a : atoms) {
    const auto chi = calculator.chi(config, a);
    for (std::size_t i = 0; i < mean.size(); ++i) mean[i] += chi[i];
    paths += static_cast<double>(calculator.last_path_count());
  }
  for (auto& x : mean) x /= static_cast<double>(atoms.size());
  row["/spectra/chi"] = onto_grid(kg, mean, k_invA_);
  row["/spectra/n_paths"] = {paths / static_cast<double>(atoms.size())};
}

}  // namespace xasforge::workflows
