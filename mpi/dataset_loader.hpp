#pragma once
/// Learning data sets from an xasforge HDF5 results file (layout: docs/campaign.md and mpi/results_layout.hpp).
/// Each calling process opens the file read-only by itself (no collective calls), so this works
/// on one rank or on all of them.
#include <optional>
#include <string>
#include <vector>

#include "core/ml/dataset.hpp"

namespace xasforge::mpi {

struct DatasetRequest {
  /// Feature block: "chir_mag" (/features/chir_mag on grid /features/r), "soap"
  /// (/descriptors/soap), "chi" (/spectra/chi on grid /spectra/k), or an absolute dataset path.
  std::string features = "chir_mag";
  /// Target: "cn" (/labels/cn, classification), "rdf" (/labels/rdf), "chi" (/spectra/chi),
  /// "none" (prediction inputs), or an absolute dataset path (1-D integer: classification;
  /// 2-D: regression).
  std::string target = "cn";
  std::optional<int> element_z;   // keep rows whose /items/Z equals this
  std::optional<int> split;       // keep rows whose /items/split equals this
  /// "" (no groups) or "structure": Dataset::group from /items/structure (grouped CV folds).
  std::string group_by;
};

/// Reads the rows whose /items/status is 1 (done) when that dataset exists, else all rows; then
/// applies the element and split filters. Throws InputError naming the file and dataset for a
/// missing file or dataset, wrong rank or shape, or a row-count mismatch.
ml::Dataset load_dataset(const std::string& path, const DatasetRequest& request);

/// Dataset paths a feature block / target name resolves to ("" for no grid).
std::string feature_dataset_path(const std::string& name);
std::string feature_grid_path(const std::string& name);
std::string target_dataset_path(const std::string& name);

/// A whole numeric dataset (rank 1 or 2) as doubles, row-major, with its dimensions; throws
/// InputError naming the file and dataset when it is missing or not numeric.
std::vector<double> read_numeric_dataset(const std::string& path, const std::string& dataset, std::vector<std::size_t>& dims);
/// The campaign YAML text stored in the results file (attribute `config` of /campaign); throws
/// InputError naming the file when it is missing.
std::string read_campaign_config_text(const std::string& path);
/// Whether the file holds the dataset (intermediate groups may be missing).
bool has_dataset(const std::string& path, const std::string& dataset);

}  // namespace xasforge::mpi
