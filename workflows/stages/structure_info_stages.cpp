#include "workflows/stages/structure_info_stages.hpp"

#include <cmath>
#include <numbers>

#include "core/error.hpp"
#include "core/structure/cluster.hpp"

namespace xasforge::workflows {

std::vector<mpi::BlockSpec> NeighbourShellStage::blocks() const {
  return {
      {"/labels/cn", 1, "", "first-shell coordination number: neighbours within 1.15 x the nearest-neighbour distance",
       "", {}, ""},
      {"/labels/first_shell_distance", 1, "angstrom", "mean absorber-neighbour distance of the first shell", "", {}, ""},
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
  row["/labels/cn"] = {n};
  row["/labels/first_shell_distance"] = {sum_A / n};
}

RadialDistributionStage::RadialDistributionStage(const CampaignConfig& config)
    : r_max_A_(config.rdf.r_max_A),
      bin_width_A_(config.rdf.bin_width_A),
      n_bins_(static_cast<std::size_t>(std::ceil(config.rdf.r_max_A / config.rdf.bin_width_A - 1e-9))) {}

std::vector<mpi::BlockSpec> RadialDistributionStage::blocks() const {
  std::vector<double> centres(n_bins_);
  for (std::size_t i = 0; i < n_bins_; ++i) centres[i] = (static_cast<double>(i) + 0.5) * bin_width_A_;
  return {{"/labels/rdf", n_bins_, "angstrom^-3",
           "absorber-centred radial neighbour density N(r, r+dr) / (4 pi r^2 dr)", "/labels/rdf_r", centres,
           "angstrom"}};
}

void RadialDistributionStage::run(const StageContext& context, RowValues& row) const {
  const auto cluster =
      structure::build_cluster(context.structure, static_cast<std::size_t>(context.item.site), r_max_A_);
  std::vector<double> n(n_bins_, 0.0);
  for (std::size_t i = 1; i < cluster.size(); ++i) {
    const auto bin = static_cast<std::size_t>(cluster[i].distance_A / bin_width_A_);
    if (bin < n_bins_) n[bin] += 1.0;
  }
  for (std::size_t b = 0; b < n_bins_; ++b) {
    const double r = (static_cast<double>(b) + 0.5) * bin_width_A_;
    n[b] /= 4.0 * std::numbers::pi * r * r * bin_width_A_;
  }
  row["/labels/rdf"] = std::move(n);
}

}  // namespace xasforge::workflows
