#pragma once
/// Feature rows of a named feature set (core/xafs/feature_sets) from every kind of chi(k) input
/// `xasforge train` and `predict` accept: the /spectra/chi rows of a results file, simulated
/// chi(k) files (FEFF chi.dat, two-column `k,chi` CSV) and, through AUTOBK, measured spectra.
/// All go through xafs::compute_feature_set, so a model sees the same features however its
/// input arrived.
#include <string>

#include "core/ml/dataset.hpp"
#include "core/xafs/feature_sets.hpp"

namespace xasforge::cli {

/// Replaces a data set loaded with features "chi" (/spectra/chi rows on the /spectra/k grid)
/// by the feature set's rows; feature_grid becomes the features' abscissae. Rows are computed
/// in blocks [n·part/parts, n·(part+1)/parts) when parts > 1 (the caller gathers them); with the
/// default every row is computed here. Throws InputError naming the file and item of a bad row.
void apply_feature_set(ml::Dataset& data, const xafs::FeatureSetSpec& spec);

/// True for files read as simulated chi(k): basename ending in "chi.dat" (FEFF), extension
/// .chi or .chik, or a .csv whose first line that is not a '#' comment is a header "k,chi...".
bool is_chi_k_file(const std::string& path);

/// k and chi from the first two numeric columns (comma or whitespace separated; '#' comment
/// lines and one header line skipped). Throws InputError naming the file and line.
void read_chi_k_file(const std::string& path, std::vector<double>& k, std::vector<double>& chi);

/// One feature row of the set from a chi(k) file or a measured spectrum (reduced by the
/// defaults of `xasforge reduce`: pre-edge, AUTOBK; the set's own transform follows).
ml::FeatureMatrix feature_set_row_from_chi_file(const std::string& path, const xafs::FeatureSetSpec& spec);
ml::FeatureMatrix feature_set_row_from_measured(const std::string& path, const xafs::FeatureSetSpec& spec);

}  // namespace xasforge::cli
