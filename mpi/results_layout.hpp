#pragma once
/// The plain vocabulary of the campaign results file: what a block, a structure row, an item row
/// and a finished row are. No MPI and no HDF5 here, so stages, the planner and tests can use these
/// types without compiling against either; the writer is mpi/results_file.hpp.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace xasforge::mpi {

/// Dataset paths of the per-item blocks that stages write and training, prediction and the
/// ensemble summary read, each spelled once (docs/campaign.md, "The results file").
namespace block_paths {
inline constexpr const char* kChi = "/spectra/chi";                   ///< chi(k) on the shared grid
inline constexpr const char* kChiK = "/spectra/k";                    ///< that grid (Å⁻¹)
inline constexpr const char* kNPaths = "/spectra/n_paths";            ///< paths summed
inline constexpr const char* kChirMag = "/features/chir_mag";         ///< |chi(R)|
inline constexpr const char* kChirR = "/features/r";                  ///< its R grid (Å)
inline constexpr const char* kSoap = "/descriptors/soap";             ///< SOAP power spectrum
inline constexpr const char* kCn = "/labels/cn";                      ///< CrystalNN CN
inline constexpr const char* kFirstShellCn = "/labels/first_shell_cn";
inline constexpr const char* kFirstShellDistance = "/labels/first_shell_distance";
inline constexpr const char* kRdf = "/labels/rdf";                    ///< absorber-centred n(R)
inline constexpr const char* kRdfR = "/labels/rdf_r";                 ///< its R grid (Å)
}  // namespace block_paths

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

/// What a stage returns for one item: one vector per data block, in the results layout's order
/// (the same alias as in mpi/scheduler.hpp, which the scheduler's users see).
using StageValues = std::vector<std::vector<double>>;

}  // namespace xasforge::mpi
