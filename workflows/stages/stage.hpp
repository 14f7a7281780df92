#pragma once
/// A stage turns one work item into values of one or more data blocks of the results file.
///
/// To add a stage (docs/architecture.md, "The stage contract"):
///  1. derive from Stage in workflows/stages/<name>_stage.{hpp,cpp}; blocks() declares the datasets
///     it fills (path, columns, units, shared grid); run() computes them from the item (throw to
///     fail the item: the message is recorded, the campaign goes on);
///  2. add one line to the Pipeline constructor in pipeline.cpp, under the condition that asks for
///     it; a new ensemble kind instead gets one line in make_ensemble_stage's map.
/// Stages run in pipeline order and see the blocks filled by earlier ones (xftf reads /spectra/chi).
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/structure/structure.hpp"
#include "mpi/results_layout.hpp"
#include "workflows/campaign_config.hpp"

namespace xasforge::workflows {

/// Values of one item, keyed by block path ("/labels/cn").
using RowValues = std::map<std::string, std::vector<double>>;

/// Typed handle of one data block: its dataset path, spelled once. Stages that share a block
/// (the spectrum or ensemble stage writes /spectra/chi, xftf reads it) use the same handle, so a
/// misspelt path is a compile error, and reading a block that no earlier stage filled fails the
/// item with the block's name instead of std::out_of_range.
struct BlockHandle {
  const char* path;
  void put(RowValues& row, std::vector<double> values) const { row[path] = std::move(values); }
  const std::vector<double>& get(const RowValues& row) const {
    const auto it = row.find(path);
    if (it == row.end()) throw std::logic_error(std::string("stage order: block ") + path + " read before any stage filled it");
    return it->second;
  }
};

/// The blocks of the spectrum and ensemble stages (xftf reads kChi).
namespace spectra_blocks {
inline constexpr BlockHandle kChi{mpi::block_paths::kChi};        ///< chi(k) on the shared grid /spectra/k
inline constexpr BlockHandle kPaths{mpi::block_paths::kNPaths};   ///< paths summed (per absorber for ensembles)
}  // namespace spectra_blocks

/// The blocks of the feature, descriptor and label stages.
namespace feature_blocks {
inline constexpr BlockHandle kChirMag{mpi::block_paths::kChirMag};
inline constexpr BlockHandle kSoap{mpi::block_paths::kSoap};
}  // namespace feature_blocks
namespace label_blocks {
inline constexpr BlockHandle kCn{mpi::block_paths::kCn};
inline constexpr BlockHandle kFirstShellCn{mpi::block_paths::kFirstShellCn};
inline constexpr BlockHandle kFirstShellDistance{mpi::block_paths::kFirstShellDistance};
inline constexpr BlockHandle kRdf{mpi::block_paths::kRdf};
}  // namespace label_blocks

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
