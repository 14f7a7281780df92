#pragma once
/// A stage turns one work item into values of one or more data blocks of the results file.
///
/// To add a stage (e.g. the spectrum stage once core/scattering lands):
///  1. derive from Stage in workflows/stages/<name>_stage.{hpp,cpp}; blocks() declares the datasets
///     it fills (path, columns, units, shared grid); run() computes them from the item (throw to
///     fail the item: the message is recorded, the campaign goes on);
///  2. add one line to make_pipeline() in pipeline.cpp, under the condition that asks for it.
/// Stages run in pipeline order and see the blocks filled by earlier ones (xftf reads /spectra/chi).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/structure/structure.hpp"
#include "mpi/results_layout.hpp"
#include "workflows/campaign_config.hpp"

namespace xasforge::workflows {

/// Values of one item, keyed by block path ("/labels/cn").
using RowValues = std::map<std::string, std::vector<double>>;

struct StageContext {
  const CampaignConfig& config;
  std::int64_t item_id;
  const mpi::ItemEntry& item;
  const structure::Structure& structure;
  std::uint64_t seed;  ///< random streams of this item derive from it (campaign seed + item id)
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string name() const = 0;
  virtual std::vector<mpi::BlockSpec> blocks() const = 0;
  virtual void run(const StageContext& context, RowValues& row) const = 0;
};

}  // namespace xasforge::workflows
