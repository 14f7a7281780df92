#include "core/ensemble/ensemble_members.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/elements/element.hpp"
#include "core/ensemble/potential.hpp"
#include "core/ensemble/random_stream.hpp"
#include "core/ensemble/rmc.hpp"
#include "core/ensemble/sutton_chen.hpp"
#include "core/ensemble/thermostat.hpp"
#include "core/error.hpp"
#include "core/numerics/numerics.hpp"
#include "core/structure/cluster.hpp"

namespace xasforge::ensemble {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

Eigen::Vector3d perpendicular_widths(const Eigen::Matrix3d& m) {
  const Eigen::Vector3d a = m.row(0), b = m.row(1), c = m.row(2);
  const double v = std::abs(a.dot(b.cross(c)));
  return {v / b.cross(c).norm(), v / c.cross(a).norm(), v / a.cross(b).norm()};
}

std::array<int, 3> supercell_repeats(const structure::Structure& s, double min_width_A) {
  if (!s.is_periodic())
    throw InputError(s.source + ": an ensemble needs a periodic structure (this one is a cluster)");
  const Eigen::Vector3d w = perpendicular_widths(s.lattice().matrix_A());
  std::array<int, 3> n{};
  for (int i = 0; i < 3; ++i) n[static_cast<std::size_t>(i)] = std::max(1, static_cast<int>(std::ceil(min_width_A / w[i] - 1e-9)));
  return n;
}

std::vector<std::size_t> supercell_class_atoms(const std::array<int, 3>& n, std::size_t n_sites,
                                               const std::vector<std::size_t>& class_sites) {
  const std::size_t images = static_cast<std::size_t>(n[0]) * static_cast<std::size_t>(n[1]) * static_cast<std::size_t>(n[2]);
  std::vector<std::size_t> out;  // make_supercell: images outer, sites inner
  for (std::size_t img = 0; img < images; ++img)
    for (auto cs : class_sites) out.push_back(img * n_sites + cs);
  return out;
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

std::vector<double> onto_grid(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& grid) {
  // (E11.1) with NaN instead of held end values outside the data.
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

// --- md -------------------------------------------------------------------------------------

std::string resolve_md_potential(const structure::Structure& s, const std::string& requested) {
  const int element = s.site(0).z;
  bool elemental = true;
  for (const auto& st : s.sites()) elemental = elemental && st.z == element;
  const bool has_sc = elemental && sutton_chen_parameters(element).has_value();
  if (requested == "auto") return has_sc ? "sutton_chen" : "einstein";
  if (requested == "sutton_chen" && !has_sc)
    throw InputError("sutton_chen has no published parameters for " + s.reduced_formula() + " (" + s.source +
                     "); allowed: an elemental Ni, Cu, Rh, Pd, Ag, Ir, Pt, Au, Pb or Al structure, or auto / einstein");
  if (requested != "sutton_chen" && requested != "einstein")
    throw InputError("unknown md potential '" + requested + "'; allowed: auto, sutton_chen, einstein");
  return requested;
}

void scale_isotropically(MdSystem& system, double f) {
  system.cell_A *= f;
  for (auto& r : system.position_A) r *= f;
}

double relaxed_cell_scale(const MdSystem& system, const std::string& potential,
                          const std::map<std::string, double>& params, const MdOptions& options) {
  auto energy = [&](double f) {
    MdSystem t = system;
    scale_isotropically(t, f);
    MdEngine probe(t, make_potential(potential, params, t), options);
    return probe.potential_energy_eV();
  };
  const auto search = numerics::golden_section_minimum(energy, 0.9, 1.1, 1e-7);
  return 0.5 * (search.lo + search.hi);
}

MdMember run_md_member(const structure::Structure& s, const MdMemberSettings& e, std::uint64_t seed) {
  MdMember member;
  member.repeats = supercell_repeats(s, e.supercell_min_A);
  const auto& n = member.repeats;
  MdSystem system = make_supercell(s, n[0], n[1], n[2]);
  const std::string potential = resolve_md_potential(s, e.potential);
  std::map<std::string, double> params;
  if (potential == "sutton_chen") params["element"] = s.site(0).z;
  else params["theta_K"] = e.einstein_temperature_K;
  MdOptions o;
  o.timestep_fs = e.timestep_fs;
  o.temperature_K = e.temperature_K;
  o.thermostat = parse_thermostat(e.thermostat);
  o.seed = seed;
  if (e.cell == "relaxed" && potential != "einstein") scale_isotropically(system, relaxed_cell_scale(system, potential, params, o));
  auto pot = make_potential(potential, params, system);
  MdEngine engine(std::move(system), std::move(pot), o);
  engine.initialize_velocities(e.temperature_K);
  engine.run(static_cast<std::size_t>(e.equilibration_steps));
  member.configuration = to_structure(engine.system());
  return member;
}

// --- rmc ------------------------------------------------------------------------------------

RmcMember run_rmc_member(const structure::Structure& s, const RmcMemberSettings& e, const RmcMemberInputs& in) {
  if (in.phases == nullptr) throw std::logic_error("run_rmc_member: no phase shifts");
  const auto n = supercell_repeats(s, e.supercell_min_A);
  MdSystem start = make_supercell(s, n[0], n[1], n[2]);
  RandomStream rng(in.seed, "rmc.start");
  for (auto& r : start.position_A) r += e.start_displacement_A * rng.normal3();
  const auto start_s = to_structure(start);
  RmcMember member;
  member.atoms = supercell_class_atoms(n, s.size(), in.class_sites);
  const double width = perpendicular_widths(start.cell_A).minCoeff();
  RmcOptions o;
  o.chi_rmax_A = std::min(in.paths.rmax_A, 0.5 * width - 0.05);
  o.max_step_A = e.max_step_A;
  o.min_distance_A = 0.78 * in.d1_A;  // closest approach: 2.0 Å for Cu (d1 2.55 Å), as in the RMC tests
  o.n_moves = static_cast<std::size_t>(e.moves);
  o.temperature = e.temperature;
  o.final_temperature = 0.0;
  o.history_every = std::max<std::size_t>(1, o.n_moves / 10);
  o.refit_s02_every = std::max<std::size_t>(500, o.n_moves / 40);
  o.seed = in.seed;
  o.chain = in.chain;
  RmcDataset d;
  d.absorber_z = in.absorber_z;
  d.phases = *in.phases;
  d.k_invA = in.target_k_invA;
  d.chi = in.target_chi;
  d.k_min_invA = in.k_min_invA;
  d.k_max_invA = in.k_max_invA;
  d.k_weight = in.k_weight;
  d.space = parse_residual_space(e.space);
  d.r_min_A = e.r_min_A;
  d.r_max_A = e.r_max_A;
  d.s02 = in.s02;
  if (in.paths.max_legs > 2) {
    // Fixed multiple-scattering background of the start configuration (a few class atoms).
    SnapshotChiOptions so = in.paths;
    so.rmax_A = o.chi_rmax_A;
    std::vector<std::size_t> some;
    const auto& atoms = member.atoms;
    for (std::size_t i = 0; i < atoms.size() && some.size() < 4; i += std::max<std::size_t>(1, atoms.size() / 4))
      some.push_back(atoms[i]);
    d.background = multiple_scattering_background(start_s, some, *in.phases, so);
    d.background_k_invA = feff_output_k_grid();
  }
  std::vector<RmcDataset> sets = {d};
  fit_s02_e0(start_s, sets, 0, o, -10, 10, 0.5);
  auto res = run_rmc(start_s, sets, o);
  member.configuration = std::move(res.final_configuration);
  member.fit_k_invA = std::move(res.fit_k[0]);
  member.model_chi = std::move(res.model_chi[0]);
  member.misfit = res.misfit_per_set[0];
  member.r_factor = res.r_factor[0];
  member.s02 = res.s02[0];
  return member;
}

// --- any kind -------------------------------------------------------------------------------

FirstShellStatistics first_shell_statistics(const structure::Structure& configuration, const std::vector<std::size_t>& atoms,
                                            const std::array<double, 2>& window) {
  double n = 0, sum = 0, sum2 = 0;
  for (auto a : atoms)
    for (const auto& c : structure::build_cluster(configuration, a, window[1]))
      if (c.distance_A >= window[0] && c.distance_A < window[1]) n += 1, sum += c.distance_A, sum2 += c.distance_A * c.distance_A;
  const double mean_r = n > 0 ? sum / n : kNaN;
  return {n > 0 ? std::max(0.0, sum2 / n - mean_r * mean_r) : kNaN, mean_r};
}

MeanSnapshotChi mean_snapshot_chi(const scattering::PhaseShifts& phases, const SnapshotChiOptions& options,
                                  const structure::Structure& configuration, const std::vector<std::size_t>& atoms) {
  if (atoms.empty()) throw std::logic_error("mean_snapshot_chi: no absorber atoms");
  SnapshotChiCalculator calculator(phases, options);
  MeanSnapshotChi out;
  out.chi.assign(feff_output_k_grid().size(), 0.0);
  double paths = 0;
  for (auto a : atoms) {
    const auto chi = calculator.chi(configuration, a);
    for (std::size_t i = 0; i < out.chi.size(); ++i) out.chi[i] += chi[i];
    paths += static_cast<double>(calculator.last_path_count());
  }
  for (auto& x : out.chi) x /= static_cast<double>(atoms.size());
  out.mean_paths = paths / static_cast<double>(atoms.size());
  return out;
}

}  // namespace xasforge::ensemble
