#pragma once
/// Ensemble members (ensemble.kind md | trajectory | rmc; docs/campaign.md, "Ensembles").
///
/// One work item = one member of one (structure, absorber class, edge) group. The member's
/// configuration is a periodic supercell of the structure:
///  * md: an independent NVT chain (core/ensemble MdEngine; Sutton–Chen or Einstein crystal) from
///    the ideal supercell, seeded by (campaign seed, structure name, member); the snapshot is the
///    state after ensemble.md.equilibration_steps;
///  * trajectory: frame member·stride of ensemble.trajectory.file;
///  * rmc: an RMC chain (core/ensemble run_rmc), same seeding, fitted to ensemble.rmc.target.
/// /spectra/chi of a member is the mean χ(k) over every atom of the absorber class in that
/// configuration with σ² = 0 (SnapshotChiCalculator; FEFF phase shifts once per structure and
/// class through the provider cache); for rmc it is the fitted model χ. The member's first-shell
/// σ² and mean distance (pairs of the class's atoms with neighbours in the first-shell window of
/// the ideal structure) go to /ensemble/member_*; rmc adds the misfit, R-factor and S0².
/// The per-group average and standard error are written after the run (workflows/ensemble_summary).
#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/structure/structure.hpp"
#include "workflows/stages/stage.hpp"

namespace xasforge::scattering {
class PhaseShiftProvider;
}

namespace xasforge::workflows {

/// Repeats (na, nb, nc) so that every perpendicular width of the supercell is >= min_width_A.
std::array<int, 3> supercell_repeats(const structure::Structure& s, double min_width_A);

/// Seed of member `member` of structure `structure_name`: the same on every rank, in every run.
std::uint64_t member_seed(std::uint64_t campaign_seed, const std::string& structure_name, int member);

/// Atoms of `supercell` (a periodic configuration whose cell is an integer combination of the
/// structure's cell, up to thermal strain, atoms in any order) that sit on one of `class_sites`
/// of `structure`: each atom is mapped to the nearest site of the same element. Throws
/// InputError if the cell is not a supercell or an atom is more than 0.3 × the nearest-neighbour
/// distance from every site of its element.
std::vector<std::size_t> class_atoms_in_supercell(const structure::Structure& structure,
                                                  const std::vector<std::size_t>& class_sites,
                                                  const structure::Structure& supercell);

/// First-shell window [lo, hi) (Å) around site `site` of the ideal structure: the nearest distance
/// d1, up to the midpoint to the next shell (at most 1.25 d1).
std::array<double, 2> first_shell_window(const structure::Structure& s, std::size_t site);

/// k, chi columns (CSV with a header, or whitespace columns; '#' comments). InputError naming the
/// file and line otherwise.
void read_k_chi(const std::string& path, std::vector<double>& k, std::vector<double>& chi);

/// Checks the ensemble inputs that do not depend on a structure (rank 0, before planning):
/// the trajectory exists, is readable and has enough frames; the RMC target is readable and covers
/// features.k. InputError "<yaml>:<line>: ensemble.<key>: ...".
void check_ensemble_inputs(const CampaignConfig& config);

class EnsembleStage : public Stage {
 public:
  explicit EnsembleStage(const CampaignConfig& config);
  ~EnsembleStage() override;
  std::string name() const override { return "ensemble_" + kind_; }
  std::vector<mpi::BlockSpec> blocks() const override;
  void run(const StageContext& context, RowValues& row) const override;

 private:
  struct Cache;
  std::string kind_;
  std::vector<double> k_invA_;
  std::unique_ptr<scattering::PhaseShiftProvider> provider_;  // scattering.phases
  std::unique_ptr<Cache> cache_;  // per rank: classes, calculators, trajectory frames, target
  mutable std::mutex mutex_;
};

}  // namespace xasforge::workflows
