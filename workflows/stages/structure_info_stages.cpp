#include "workflows/stages/structure_info_stages.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/features/rdf.hpp"
#include "core/structure/cluster.hpp"

namespace xasforge::workflows {

std::vector<mpi::BlockSpec> NeighbourShellStage::blocks() const {
  return {
      {label_blocks::kFirstShellCn.path, 1, "", "neighbours within 1.15 x the nearest-neighbour distance", "", {}, ""},
      {label_blocks::kFirstShellDistance.path, 1, "angstrom", "mean absorber-neighbour distance of that shell", "", {}, ""},
  };
}

void NeighbourShellStage::run(const StageContext& context, RowValues& row) const {
  const auto& s = context.structure;
  const auto site = static_cast<std::size_t>(context.item.site);
  std::vector<structure::ClusterAtom> cluster;
  for (double radius_A : {4.0, 10.0}) {
    cluster = structure::build_cluster(s, site, radius_A);
    if (cluster.size() > 1) break;
  }
  if (cluster.size() < 2)
    throw PhysicsError(s.source + ": site " + std::to_string(site) + " has no neighbour within 10 Å");
  const double d_min = cluster[1].distance_A;
  if (d_min < 0.5)
    throw InputError(s.source + ": site " + std::to_string(cluster[1].site) + " is " + std::to_string(d_min) +
                     " Å from absorber site " + std::to_string(site) + " (overlapping atoms; closest allowed 0.5 Å)");
  const double shell_A = d_min * (1.0 + kShellTolerance);
  if (shell_A > cluster.back().distance_A) cluster = structure::build_cluster(s, site, shell_A + 0.01);
  double n = 0, sum_A = 0;
  for (std::size_t i = 1; i < cluster.size(); ++i)
    if (cluster[i].distance_A <= shell_A) n += 1, sum_A += cluster[i].distance_A;
  label_blocks::kFirstShellCn.put(row, {n});
  label_blocks::kFirstShellDistance.put(row, {sum_A / n});
}

RadialDistributionStage::RadialDistributionStage(const CampaignConfig& config) {
  const double w = config.rdf.bin_width_A;
  const auto n = static_cast<std::size_t>(std::ceil(config.rdf.r_max_A / w - 1e-9));
  for (std::size_t i = 0; i < n; ++i) centres_A_.push_back((static_cast<double>(i) + 0.5) * w);
}

std::vector<mpi::BlockSpec> RadialDistributionStage::blocks() const {
  return {{label_blocks::kRdf.path, centres_A_.size(), "angstrom^-1",
           "absorber-centred radial distribution n(R): neighbours per angstrom (histogram)", mpi::block_paths::kRdfR,
           centres_A_, "angstrom"}};
}

void RadialDistributionStage::run(const StageContext& context, RowValues& row) const {
  auto rdf = features::radial_distribution(context.structure, static_cast<std::size_t>(context.item.site), centres_A_);
  label_blocks::kRdf.put(row, std::move(rdf.n_total_perA));
}

}  // namespace xasforge::workflows
