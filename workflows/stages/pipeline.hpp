#pragma once
/// The stages a campaign runs, chosen from its configuration (the one place that lists them).
#include <memory>
#include <string>
#include <vector>

#include "mpi/results_layout.hpp"
#include "workflows/stages/stage.hpp"

namespace xasforge::workflows {

class Pipeline {
 public:
  explicit Pipeline(const CampaignConfig& config);
  /// Every block of every stage, in pipeline order: the layout of the results file.
  const std::vector<mpi::BlockSpec>& blocks() const { return blocks_; }
  std::vector<std::string> stage_names() const;
  /// Runs every stage on one item; returns the values in blocks() order. Throws if a stage fails
  /// or leaves a block with the wrong number of values.
  mpi::StageValues run(const StageContext& context) const;

 private:
  std::vector<std::unique_ptr<Stage>> stages_;
  std::vector<mpi::BlockSpec> blocks_;
};

}  // namespace xasforge::workflows
