#pragma once
/// Ensemble members (ensemble.kind md | trajectory | rmc; docs/campaign.md, "Ensembles").
///
/// One work item = one member of one (structure, absorber class, edge) group. Each kind is its own
/// stage, made by make_ensemble_stage() (the one place listing the kinds); the physics is in
/// core/ensemble/ensemble_members.hpp, and a stage only turns the campaign's settings into core
/// inputs, keeps per-rank caches and fills its blocks:
///  * md (MdEnsembleStage): run_md_member, an independent NVT chain from the ideal supercell,
///    seeded by (campaign seed, structure name, member);
///  * trajectory (TrajectoryEnsembleStage): frame member·stride of ensemble.trajectory.file;
///  * rmc (RmcEnsembleStage): run_rmc_member, same seeding, fitted to ensemble.rmc.target.
/// /spectra/chi of a member is the mean χ(k) over every atom of the absorber class in that
/// configuration with σ² = 0 (mean_snapshot_chi; FEFF phase shifts once per structure and class
/// through the provider cache); for rmc it is the fitted model χ. The member's first-shell σ² and
/// mean distance (pairs of the class's atoms with neighbours in the first-shell window of the ideal
/// structure) go to /ensemble/member_*; rmc adds the misfit, R-factor and S0². The per-group
/// average and standard error are written after the run (workflows/ensemble_summary).
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/structure/structure.hpp"
#include "workflows/stages/stage.hpp"

namespace xasforge::scattering {
class PhaseShiftProvider;
struct PhaseShifts;
}

namespace xasforge::workflows {

/// Seed of member `member` of structure `structure_name`: the same on every rank, in every run.
std::uint64_t member_seed(std::uint64_t campaign_seed, const std::string& structure_name, int member);

/// Checks the ensemble inputs that do not depend on a structure (rank 0, before planning):
/// the trajectory exists, is readable and has enough frames; the RMC target is readable and covers
/// features.k. InputError "<yaml>:<line>: ensemble.<key>: ...".
void check_ensemble_inputs(const CampaignConfig& config);

/// The blocks the ensemble kinds write besides spectra_blocks::kChi and kPaths (one column each).
namespace ensemble_blocks {
inline constexpr BlockHandle kAbsorbers{"/ensemble/member_absorbers"};
inline constexpr BlockHandle kSigma2{"/ensemble/member_sigma2"};
inline constexpr BlockHandle kFirstShellR{"/ensemble/member_first_shell_r"};
inline constexpr BlockHandle kMisfit{"/ensemble/member_misfit"};    ///< rmc only
inline constexpr BlockHandle kRFactor{"/ensemble/member_r_factor"};  ///< rmc only
inline constexpr BlockHandle kS02{"/ensemble/member_s02"};           ///< rmc only
}  // namespace ensemble_blocks

/// What the three kinds share: the blocks, the per-(structure, class, edge) cache of phase shifts
/// and first-shell window, the first-shell statistics and the mean χ(k) of a member. A kind
/// supplies only its member's configuration (member()).
class EnsembleStage : public Stage {
 public:
  ~EnsembleStage() override;
  std::string name() const override { return "ensemble_" + kind(); }
  std::vector<mpi::BlockSpec> blocks() const override;
  void run(const StageContext& context, RowValues& row) const final;
  /// md | trajectory | rmc (the factory's name of this stage).
  virtual std::string kind() const = 0;

 protected:
  explicit EnsembleStage(const CampaignConfig& config);

  /// One (structure, absorber class, edge) on this rank.
  struct Group {
    std::vector<std::size_t> class_sites;
    std::array<double, 2> window{};  ///< first-shell window of the ideal structure
    double d1_A = 0;                 ///< nearest-neighbour distance of the ideal structure
    std::shared_ptr<const scattering::PhaseShifts> phases;
  };
  /// A member's configuration and the atoms of the absorber class in it.
  struct Member {
    structure::Structure configuration;
    std::vector<std::size_t> atoms;
    bool chi_written = false;  ///< the kind filled /spectra/chi and /spectra/n_paths itself (rmc)
  };
  /// The configuration of the item's member. Called under the stage's lock.
  virtual Member member(const StageContext& context, const Group& group, RowValues& row) const = 0;
  /// Called under the lock when the item's structure differs from the previous item's.
  virtual void forget_structure() const {}
  /// Blocks beyond the common ones.
  virtual std::vector<mpi::BlockSpec> extra_blocks() const { return {}; }
  virtual std::string chi_description() const;

  std::vector<double> k_invA_;

 private:
  std::unique_ptr<scattering::PhaseShiftProvider> provider_;  // scattering.phases
  mutable std::int32_t structure_ = -1;
  mutable std::map<std::string, Group> groups_;  // key: site/edge
  mutable std::mutex mutex_;
};

class MdEnsembleStage final : public EnsembleStage {
 public:
  explicit MdEnsembleStage(const CampaignConfig& config) : EnsembleStage(config) {}
  std::string kind() const override { return "md"; }

 private:
  Member member(const StageContext& context, const Group& group, RowValues& row) const override;
  void forget_structure() const override { snapshots_.clear(); }
  // member -> snapshot and repeats: the snapshot depends on (seed, structure, member) only, so
  // other classes and edges of the structure on this rank reuse it.
  mutable std::map<int, std::pair<structure::Structure, std::array<int, 3>>> snapshots_;
};

class TrajectoryEnsembleStage final : public EnsembleStage {
 public:
  explicit TrajectoryEnsembleStage(const CampaignConfig& config) : EnsembleStage(config) {}
  std::string kind() const override { return "trajectory"; }

 private:
  Member member(const StageContext& context, const Group& group, RowValues& row) const override;
  void forget_structure() const override { frame_atoms_.clear(); }
  mutable std::vector<structure::Structure> frames_;                 // read once per rank
  mutable std::map<std::int32_t, std::vector<std::size_t>> frame_atoms_;  // site -> class atoms of frame 0
};

class RmcEnsembleStage final : public EnsembleStage {
 public:
  explicit RmcEnsembleStage(const CampaignConfig& config) : EnsembleStage(config) {}
  std::string kind() const override { return "rmc"; }

 private:
  Member member(const StageContext& context, const Group& group, RowValues& row) const override;
  std::vector<mpi::BlockSpec> extra_blocks() const override;
  std::string chi_description() const override;
  mutable std::vector<double> target_k_, target_chi_;  // read once per rank
};

/// The ensemble kinds make_ensemble_stage knows, sorted.
std::vector<std::string> ensemble_stage_names();

/// The stage of config.ensemble.kind (the one place listing the kinds). InputError
/// "unknown ensemble kind 'x'; allowed: md, rmc, trajectory" for any other name, including none.
std::unique_ptr<EnsembleStage> make_ensemble_stage(const CampaignConfig& config);

}  // namespace xasforge::workflows
