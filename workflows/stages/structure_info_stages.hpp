#pragma once
/// Labels read directly off the structure around the absorber.
#include "workflows/stages/stage.hpp"

namespace xasforge::workflows {

/// /labels/first_shell_cn: neighbours within (1 + kShellTolerance) × the nearest-neighbour
/// distance; /labels/first_shell_distance: their mean distance (Å). Throws InputError for
/// overlapping atoms (nearest neighbour closer than 0.5 Å) and PhysicsError if no neighbour lies
/// within 10 Å. (CrystalNN's /labels/cn is the chemically aware count; this one is the plain
/// geometric first shell EXAFS sees as its first peak.)
class NeighbourShellStage : public Stage {
 public:
  static constexpr double kShellTolerance = 0.15;
  explicit NeighbourShellStage(const CampaignConfig&) {}
  std::string name() const override { return "neighbour_shell"; }
  std::vector<mpi::BlockSpec> blocks() const override;
  void run(const StageContext& context, RowValues& row) const override;
};

/// /labels/rdf: absorber-centred radial distribution n(R), neighbours per Å
/// (core/features/rdf.hpp, histogram) on bins of rdf.bin_width up to rdf.r_max, bin centres in
/// /labels/rdf_r; sum n(R_k)·dR over the bins is the number of neighbours within r_max.
class RadialDistributionStage : public Stage {
 public:
  explicit RadialDistributionStage(const CampaignConfig& config);
  std::string name() const override { return "radial_distribution"; }
  std::vector<mpi::BlockSpec> blocks() const override;
  void run(const StageContext& context, RowValues& row) const override;

 private:
  std::vector<double> centres_A_;
};

}  // namespace xasforge::workflows
