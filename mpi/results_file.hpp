#pragma once
/// The campaign results file: the HDF5 writer and readers (docs/campaign.md tour). The plain
/// vocabulary of the file (BlockSpec, ItemEntry, FinishedRow, ...) is in results_layout.hpp.
///
/// Life cycle, chosen so that `kill -9` at any moment leaves a usable file:
///  1. create_results_file(): rank 0 alone, serial HDF5 driver, writes every group, attribute and
///     dataset with its final shape (early allocation, chunked, fill values) into `<file>.partial`,
///     closes it and renames it into place. A crash before the rename leaves no results file.
///  2. ResultsWriter: every rank opens the finished file with the MPI-IO driver. From now on only
///     raw data of pre-allocated datasets is written (no dataset, attribute or chunk is created,
///     nothing is extended), so HDF5's metadata on disk never changes again.
///  3. write_checkpoint(): ONE collective write per dataset of every rank's finished rows (a rank
///     with none selects nothing): data blocks and the /items columns first, then a barrier, then
///     /items/status, then a flush. A crash before the status write leaves those rows pending
///     (they are recomputed, deterministically, on resume); after it, they are complete.
#include <mpi.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mpi/testing_hooks.hpp"
#include "mpi/results_layout.hpp"  // BlockSpec, ItemEntry, FinishedRow, ... (MPI-free)

namespace xasforge::mpi {

/// Step 1 above. Must be called by one process only. Throws xasforge::Error on HDF5 failure.
void create_results_file(const std::filesystem::path& path, const CampaignMeta& meta,
                         const std::vector<StructureEntry>& structures,
                         const std::vector<ItemEntry>& items, const std::vector<BlockSpec>& blocks,
                         const std::vector<SummaryTable>& summary = {});

/// Overwrites whole summary datasets created by create_results_file (double or int32; values
/// row-major, n_rows * n_cols each). Serial driver: one process, with no ResultsWriter open.
/// Only raw data is written (as for checkpoints), so a crash leaves the file consistent.
void write_summary_values(const std::filesystem::path& path,
                          const std::vector<std::pair<std::string, std::vector<double>>>& values);

/// Reads the tables of a results file (serial driver; call on one rank). Throws InputError if
/// the file is not a campaign results file.
ResultsContent read_results_file(const std::filesystem::path& path);

/// Reads one data block (row-major, n_items * n_cols) serially; for tests and tools.
std::vector<double> read_block(const std::filesystem::path& path, const std::string& block_path);

/// Step 2 and 3 above. Collective: construct, write_checkpoint and close on every rank of comm.
class ResultsWriter {
 public:
  /// Opens an existing results file read-write with the MPI-IO driver. Throws if a block is
  /// missing or has another shape than `blocks` says.
  ResultsWriter(const std::filesystem::path& path, MPI_Comm comm, std::vector<BlockSpec> blocks);
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;
  ~ResultsWriter();

  /// Collective: every rank passes its finished rows (possibly none). Data, then status, then flush.
  void write_checkpoint(const std::vector<FinishedRow>& rows);
  /// Collective close; reports errors (the destructor only logs them).
  void close();
  /// Tests only: the kill_at_write hook (testing_hooks.hpp) acts in write_checkpoint.
  void set_testing_hooks(const TestingHooks& hooks) {
    kill_at_checkpoint_ = hooks.kill_at_checkpoint;
    kill_phase_ = hooks.kill_phase;
  }

  /// True if every H5Dwrite of the last checkpoint was performed collectively by MPI-IO
  /// (H5Pget_mpio_actual_io_mode != H5D_MPIO_NO_COLLECTIVE); for tests.
  bool last_checkpoint_was_collective() const { return last_collective_; }
  std::size_t n_items() const { return n_items_; }
  int checkpoints_written() const { return n_checkpoints_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<BlockSpec> blocks_;
  std::size_t n_items_ = 0;
  bool last_collective_ = false;
  int n_checkpoints_ = 0;
  int kill_at_checkpoint_ = 0;  // testing only (set_testing_hooks)
  std::string kill_phase_;
  void maybe_kill(const char* phase) const;
};

}  // namespace xasforge::mpi
