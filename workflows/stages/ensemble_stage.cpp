#include "workflows/stages/ensemble_stage.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>

#include "core/ensemble/ensemble_members.hpp"
#include "core/ensemble/trajectory_io.hpp"
#include "core/error.hpp"
#include "core/numerics/random.hpp"
#include "core/scattering/feff_input.hpp"
#include "core/scattering/phase_provider_factory.hpp"
#include "core/structure/cluster.hpp"
#include "workflows/campaign_plan.hpp"
#include "workflows/stages/spectrum_stage.hpp"

namespace xasforge::workflows {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string at_line(const CampaignConfig& c, int line) { return c.source + ":" + std::to_string(line) + ": "; }

std::string structure_name_of(const mpi::ItemEntry& item) { return item.key.substr(0, item.key.find('/')); }

/// The path expansion of a member's χ(k) (scattering.*; σ² = 0).
ensemble::SnapshotChiOptions snapshot_options(const CampaignConfig& c) {
  ensemble::SnapshotChiOptions so;
  so.rmax_A = c.scattering.rmax_A;
  so.max_legs = c.scattering.max_legs;
  so.cluster_radius_A = c.scattering.cluster_radius_A;
  so.s02 = c.scattering.s02;
  return so;
}

}  // namespace

std::uint64_t member_seed(std::uint64_t campaign_seed, const std::string& structure_name, int member) {
  return random::mix_seed(campaign_seed, structure_name + "/" + std::to_string(member));  // (E10.4)
}

void check_ensemble_inputs(const CampaignConfig& c) {
  const auto& e = c.ensemble;
  if (e.kind == "trajectory") {
    const auto& t = e.trajectory();
    const std::string where = at_line(c, e.trajectory_file_line) + "ensemble.trajectory.file: ";
    if (!std::filesystem::exists(t.file)) throw InputError(where + t.file + ": no such file");
    std::vector<structure::Structure> frames;
    try {
      frames = ensemble::read_trajectory(t.file, t.types);
    } catch (const std::exception& ex) {
      throw InputError(where + ex.what());
    }
    const long long need = static_cast<long long>(e.members - 1) * t.stride + 1;
    if (static_cast<long long>(frames.size()) < need)
      throw InputError(where + t.file + " has " + std::to_string(frames.size()) + " frame(s); members = " +
                       std::to_string(e.members) + " with stride " + std::to_string(t.stride) + " need " +
                       std::to_string(need) + " (line " + std::to_string(e.members_line) + ")");
    for (std::size_t i = 0; i < frames.size(); ++i)
      if (!frames[i].is_periodic())
        throw InputError(where + t.file + ": frame " + std::to_string(i) +
                         " has no lattice; allowed: periodic frames (extended XYZ Lattice=, LAMMPS box)");
  }
  if (e.kind == "rmc") {
    const auto& rmc = e.rmc();
    const std::string where = at_line(c, e.rmc_target_line) + "ensemble.rmc.target: ";
    std::vector<double> k, chi;
    try {
      ensemble::read_k_chi(rmc.target, k, chi);
    } catch (const std::exception& ex) {
      throw InputError(where + ex.what());
    }
    if (k.front() > c.features.k_min_invA - 0.5 || k.back() < c.features.k_max_invA + 0.5)
      throw InputError(where + rmc.target + " covers k " + std::to_string(k.front()) + "-" +
                       std::to_string(k.back()) + " Å⁻¹; the fit range features.k needs 0.5 Å⁻¹ beyond each end");
  }
}


// --- the part every kind shares ------------------------------------------------------------------

EnsembleStage::EnsembleStage(const CampaignConfig& config)
    : k_invA_(shared_k_grid_invA(config)),
      provider_(scattering::make_phase_provider(config.scattering.phases, "scattering.phases")) {}

EnsembleStage::~EnsembleStage() = default;

std::string EnsembleStage::chi_description() const {
  return "chi(k) of the member: mean over the absorber class's atoms of the configuration, sigma^2 = 0";
}

std::vector<mpi::BlockSpec> EnsembleStage::blocks() const {
  namespace b = ensemble_blocks;
  namespace sp = spectra_blocks;
  std::vector<mpi::BlockSpec> out = {
      {sp::kChi.path, k_invA_.size(), "", chi_description(), mpi::block_paths::kChiK, k_invA_, "angstrom^-1"},
      {sp::kPaths.path, 1, "", "mean number of scattering paths per absorber (NaN for rmc)", "", {}, ""},
      {b::kAbsorbers.path, 1, "", "absorber atoms of the class in the member's configuration", "", {}, ""},
      {b::kSigma2.path, 1, "angstrom^2",
       "first-shell sigma^2 of the member's configuration (variance of absorber-neighbour distances)", "", {}, ""},
      {b::kFirstShellR.path, 1, "angstrom", "mean first-shell distance of the member's configuration", "", {}, ""},
  };
  for (auto& x : extra_blocks()) out.push_back(std::move(x));
  return out;
}

void EnsembleStage::run(const StageContext& context, RowValues& row) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto& cfg = context.config;
  const auto& s = context.structure;
  const auto& item = context.item;
  const auto site = static_cast<std::size_t>(item.site);
  if (!s.is_periodic()) throw InputError(s.source + ": ensemble kind " + kind() + " needs a periodic structure");

  // Per structure: classes, first-shell window, phase shifts (FEFF once per structure and class
  // through the provider's cache).
  if (structure_ != item.structure) {
    structure_ = item.structure;
    groups_.clear();
    forget_structure();
  }
  auto& g = groups_[std::to_string(item.site) + "/" + item.edge];
  if (!g.phases) {
    for (const auto& cls : absorber_classes_of(s, item.z))
      if (cls.sites.front() == site) g.class_sites = cls.sites;
    if (g.class_sites.empty()) g.class_sites = {site};
    g.window = ensemble::first_shell_window(s, site);
    g.d1_A = structure::build_cluster(s, site, g.window[1] + 0.01).at(1).distance_A;
    scattering::PhaseSettings ps;
    ps.edge = scattering::feff::parse_edge(item.edge);
    ps.cluster_radius_A = cfg.scattering.cluster_radius_A;
    g.phases = std::make_shared<const scattering::PhaseShifts>(provider_->compute(s, site, ps));
  }

  const Member m = member(context, g, row);
  if (m.atoms.empty())
    throw InputError("item " + item.key + ": no atom of the absorber class in the member's configuration");

  namespace b = ensemble_blocks;
  const auto shell = ensemble::first_shell_statistics(m.configuration, m.atoms, g.window);
  b::kAbsorbers.put(row, {static_cast<double>(m.atoms.size())});
  b::kSigma2.put(row, {shell.sigma2_A2});
  b::kFirstShellR.put(row, {shell.mean_r_A});
  if (m.chi_written) return;

  // χ(k) with σ² = 0: the mean over the class's atoms (in atom order: the same on every rank).
  const auto chi = ensemble::mean_snapshot_chi(*g.phases, snapshot_options(cfg), m.configuration, m.atoms);
  spectra_blocks::kChi.put(row, ensemble::onto_grid(ensemble::feff_output_k_grid(), chi.chi, k_invA_));
  spectra_blocks::kPaths.put(row, {chi.mean_paths});
}

// --- md ------------------------------------------------------------------------------------------

EnsembleStage::Member MdEnsembleStage::member(const StageContext& context, const Group& g, RowValues&) const {
  const auto& cfg = context.config;
  const auto& item = context.item;
  const auto& s = context.structure;
  auto it = snapshots_.find(item.member);
  if (it == snapshots_.end()) {
    ensemble::MdMember md;
    try {
      md = ensemble::run_md_member(s, cfg.ensemble.md(), member_seed(cfg.seed, structure_name_of(item), item.member));
    } catch (const InputError& ex) {
      const std::string what = ex.what();
      if (what.rfind("sutton_chen", 0) != 0) throw;
      // The item first: /items/error keeps the first 255 characters.
      throw InputError(at_line(cfg, cfg.ensemble.potential_line) + "ensemble.md.potential: item " + item.key + ": " + what);
    }
    if (snapshots_.size() >= 256) return {std::move(md.configuration), ensemble::supercell_class_atoms(md.repeats, s.size(), g.class_sites)};
    it = snapshots_.emplace(item.member, std::make_pair(std::move(md.configuration), md.repeats)).first;
  }
  return {it->second.first, ensemble::supercell_class_atoms(it->second.second, s.size(), g.class_sites)};
}

// --- trajectory ----------------------------------------------------------------------------------

EnsembleStage::Member TrajectoryEnsembleStage::member(const StageContext& context, const Group& g, RowValues&) const {
  const auto& cfg = context.config;
  const auto& e = cfg.ensemble;
  const auto& t = e.trajectory();
  const auto& item = context.item;
  if (frames_.empty()) frames_ = ensemble::read_trajectory(t.file, t.types);
  const auto frame = static_cast<std::size_t>(item.member) * static_cast<std::size_t>(t.stride);
  if (frame >= frames_.size())
    throw InputError(at_line(cfg, e.trajectory_file_line) + "ensemble.trajectory.file: " + t.file + " has no frame " +
                     std::to_string(frame) + " (item " + item.key + ")");
  Member m;
  m.configuration = frames_[frame];
  m.configuration.source = t.file + " frame " + std::to_string(frame);
  // Class atoms from the first frame (every frame has the same atom order).
  auto& atoms = frame_atoms_[item.site];
  if (atoms.empty()) {
    structure::Structure first = frames_.front();
    first.source = t.file + " frame 0";
    try {
      atoms = ensemble::class_atoms_in_supercell(context.structure, g.class_sites, first);
    } catch (const InputError& ex) {
      throw InputError(at_line(cfg, e.trajectory_file_line) + "ensemble.trajectory.file: " + ex.what() + " (item " +
                       item.key + ")");
    }
  }
  m.atoms = atoms;
  if (m.configuration.size() != frames_.front().size())
    throw InputError(m.configuration.source + ": " + std::to_string(m.configuration.size()) + " atoms, frame 0 has " +
                     std::to_string(frames_.front().size()));
  return m;
}

// --- rmc -----------------------------------------------------------------------------------------

std::string RmcEnsembleStage::chi_description() const {
  return "chi(k) of the member's RMC model (fit range of features.k +- 0.5, NaN outside)";
}

std::vector<mpi::BlockSpec> RmcEnsembleStage::extra_blocks() const {
  namespace b = ensemble_blocks;
  return {{b::kMisfit.path, 1, "", "final RMC misfit in ensemble.rmc.space", "", {}, ""},
          {b::kRFactor.path, 1, "", "final k-space R-factor (features.k, k^kweight)", "", {}, ""},
          {b::kS02.path, 1, "", "S0^2 refitted during the RMC run", "", {}, ""}};
}

EnsembleStage::Member RmcEnsembleStage::member(const StageContext& context, const Group& g, RowValues& row) const {
  const auto& cfg = context.config;
  const auto& rmc = cfg.ensemble.rmc();
  const auto& item = context.item;
  if (target_k_.empty()) ensemble::read_k_chi(rmc.target, target_k_, target_chi_);
  ensemble::RmcMemberInputs in;
  in.absorber_z = item.z;
  in.phases = g.phases.get();
  in.target_k_invA = target_k_;
  in.target_chi = target_chi_;
  in.k_min_invA = cfg.features.k_min_invA;
  in.k_max_invA = cfg.features.k_max_invA;
  in.k_weight = cfg.features.kweight;
  in.s02 = cfg.scattering.s02;
  in.paths = snapshot_options(cfg);
  in.class_sites = g.class_sites;
  in.d1_A = g.d1_A;
  in.seed = member_seed(cfg.seed, structure_name_of(item), item.member);
  in.chain = item.member;
  auto res = ensemble::run_rmc_member(context.structure, rmc, in);
  // The fitted model on the shared grid: the fit grid (features.k ± 0.5 Å⁻¹), NaN outside.
  namespace b = ensemble_blocks;
  spectra_blocks::kChi.put(row, ensemble::onto_grid(res.fit_k_invA, res.model_chi, k_invA_));
  spectra_blocks::kPaths.put(row, {kNaN});
  b::kMisfit.put(row, {res.misfit});
  b::kRFactor.put(row, {res.r_factor});
  b::kS02.put(row, {res.s02});
  return {std::move(res.configuration), std::move(res.atoms), true};
}

// --- the factory ---------------------------------------------------------------------------------

namespace {
using Maker = std::unique_ptr<EnsembleStage> (*)(const CampaignConfig&);
template <class T>
std::unique_ptr<EnsembleStage> make(const CampaignConfig& c) {
  return std::make_unique<T>(c);
}
// The one list of ensemble kinds (sorted by name).
const std::map<std::string, Maker>& ensemble_stage_makers() {
  static const std::map<std::string, Maker> makers = {
      {"md", &make<MdEnsembleStage>},
      {"rmc", &make<RmcEnsembleStage>},
      {"trajectory", &make<TrajectoryEnsembleStage>},
  };
  return makers;
}
}  // namespace

std::vector<std::string> ensemble_stage_names() {
  std::vector<std::string> names;
  for (const auto& [name, maker] : ensemble_stage_makers()) names.push_back(name);
  return names;
}

std::unique_ptr<EnsembleStage> make_ensemble_stage(const CampaignConfig& config) {
  const auto& makers = ensemble_stage_makers();
  const auto it = makers.find(config.ensemble.kind);
  if (it == makers.end()) {
    std::string allowed;
    for (const auto& name : ensemble_stage_names()) allowed += (allowed.empty() ? "" : ", ") + name;
    throw InputError(config.source + ": unknown ensemble kind '" + config.ensemble.kind + "'; allowed: " + allowed);
  }
  return it->second(config);
}

}  // namespace xasforge::workflows
