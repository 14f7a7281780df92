#pragma once
/// Labels computed directly from the structure around the absorber, used until the CrystalNN and
/// RDF stages of core/features land (they replace these in pipeline.cpp, keeping the block paths).
#include "workflows/stages/stage.hpp"

namespace xasforge::workflows {

/// /labels/cn: neighbours within (1 + kShellTolerance) × the nearest-neighbour distance;
/// /labels/first_shell_distance: their mean distance (Å). Throws InputError for overlapping atoms
/// (nearest neighbour closer than 0.5 Å) and PhysicsError if no neighbour lies within 10 Å.
class NeighbourShellStage : public Stage {
 public:
  static constexpr double kShellTolerance = 0.15;  // gap criterion, as O'Keeffe's first shell
  explicit NeighbourShellStage(const CampaignConfig&) {}
  std::string name() const override { return "neighbour_shell"; }
  std::vector<mpi::BlockSpec> blocks() const override;
  void run(const StageContext& context, RowValues& row) const override;
};

/// /labels/rdf: absorber-centred radial neighbour density n(r) = N(r, r+dr) / (4 pi r_c^2 dr)
/// (Å⁻³) on bins of rdf.bin_width up to rdf.r_max, bin centres r_c in /labels/rdf_r.
class RadialDistributionStage : public Stage {
 public:
  explicit RadialDistributionStage(const CampaignConfig& config);
  std::string name() const override { return "radial_distribution"; }
  std::vector<mpi::BlockSpec> blocks() const override;
  void run(const StageContext& context, RowValues& row) const override;

 private:
  double r_max_A_;
  double bin_width_A_;
  std::size_t n_bins_;
};

}  // namespace xasforge::workflows
