#pragma once
/// The campaign results file (docs/ARCHITECTURE.md, "The results file"; docs/campaign.md tour).
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

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace xasforge::mpi {

/// Item status as stored in /items/status.
enum class ItemStatus : std::int8_t { kPending = 0, kDone = 1, kFailed = 2 };

/// Longest error text stored per item (bytes); longer messages are cut and end in "...".
constexpr std::size_t kItemErrorBytes = 256;

/// One per-item data block, e.g. /spectra/chi with n_cols = n_k, or /labels/cn with n_cols = 1.
/// A block with n_cols == 1 is stored as a 1-D dataset (n_items); otherwise (n_items, n_cols).
struct BlockSpec {
  std::string path;              ///< absolute dataset path, "/spectra/chi"
  std::size_t n_cols = 1;
  std::string units;             ///< stored as the dataset's "units" attribute ("" = dimensionless)
  std::string description;       ///< stored as the "description" attribute
  std::string axis_path;         ///< optional shared grid dataset, "/spectra/k" ("" for none)
  std::vector<double> axis;      ///< the grid values (size n_cols) when axis_path is set
  std::string axis_units;
  friend bool operator==(const BlockSpec&, const BlockSpec&) = default;
};

/// One row of /structures.
struct StructureEntry {
  std::string path;                 ///< source file as given by the glob
  std::string name;                 ///< file stem
  std::string formula;              ///< reduced formula ("" if unreadable)
  std::int32_t n_sites = 0;
  std::array<double, 9> lattice_A{};///< rows a, b, c (Å); NaN for clusters and unreadable files
  std::string error;                ///< why the structure could not be planned ("" if fine)
};

/// One row of /items (the planned part; the outcome columns are written by checkpoints).
struct ItemEntry {
  std::int32_t structure = -1;      ///< row in /structures
  std::int32_t site = -1;           ///< representative absorber site (-1 if the structure failed)
  std::int32_t z = 0;               ///< absorber atomic number
  std::int32_t multiplicity = 0;    ///< number of sites in the absorber's equivalence class
  std::string edge;                 ///< "K", "L3", ...
  std::int32_t member = 0;          ///< ensemble member (0 for a static structure)
  std::string key;                  ///< stable readable id, "mp-13/Fe0/K/0"
  ItemStatus status = ItemStatus::kPending;  ///< kFailed for items that failed at planning
  std::string error;
};

/// /campaign attributes.
struct CampaignMeta {
  std::string name;
  std::string config_text;   ///< the YAML file as given
  std::string config_hash;   ///< hash of the resolved configuration (output settings excluded)
  std::string code_version;
  std::string created;       ///< ISO 8601 UTC
};

/// The outcome of one item, buffered on the rank that computed it until the next checkpoint.
struct FinishedRow {
  std::int64_t item = 0;
  ItemStatus status = ItemStatus::kDone;
  std::string error;
  double wall_s = 0.0;
  std::int32_t rank = 0;
  double finished_unix_s = 0.0;
  /// One vector per block, in BlockSpec order, each of size n_cols. Empty for a failed item
  /// (the row is written as NaN, so a half-written earlier attempt never survives).
  std::vector<std::vector<double>> values;
};

/// Everything in /campaign, /structures and /items, read serially (status, resume, tests).
struct ResultsContent {
  CampaignMeta meta;
  std::vector<StructureEntry> structures;
  std::vector<ItemEntry> items;        ///< status and error are the current ones
  std::vector<double> wall_s;
  std::vector<std::int32_t> rank;
  std::vector<double> finished_unix_s;
  std::vector<std::string> block_paths;///< data blocks present (attribute /campaign blocks)
};

/// A table that is not per item (e.g. /ensemble/chi_mean, one row per ensemble group), created
/// with the file like every dataset (final shape, early allocation, fill value: NaN, 0 or "") and
/// later overwritten whole by write_summary_values() on one process after the run.
struct SummaryTable {
  enum class Type { kDouble, kInt32, kString };
  std::string path;
  Type type = Type::kDouble;
  std::size_t n_rows = 0;
  std::size_t n_cols = 1;            ///< 1: a 1-D dataset (n_rows)
  std::string units, description;
  std::string grid;                  ///< stored as attribute "grid" (e.g. "/spectra/k") when not empty
  std::vector<double> values;        ///< initial values (kDouble, kInt32); empty: the fill value
  std::vector<std::string> strings;  ///< initial values (kString)
};

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
};

}  // namespace xasforge::mpi
