#pragma once
/// Ensemble groups and their summary in the results file (/ensemble/*; docs/campaign.md).
///
/// A group is one (structure, absorber class, edge) with its members 0..M-1 (consecutive items).
/// At creation the file gets /ensemble/key, /ensemble/first_item and /ensemble/n_members and the
/// summary datasets at their final size (fill values). After every run (also a resume with
/// nothing left to do) rank 0 reads the per-member rows back and overwrites the summary: the mean
/// over the done members and its standard error (sample standard deviation / sqrt(n)), summed in
/// member order, so the values are identical for any rank count and after any interruption.
#include <filesystem>
#include <string>
#include <vector>

#include "mpi/results_layout.hpp"
#include "workflows/campaign_config.hpp"

namespace xasforge::workflows {

struct EnsembleGroup {
  std::string key;              ///< "mp-30/Cu0/K"
  std::int64_t first_item = 0;  ///< id of member 0
  int n_members = 0;
};

/// Groups of a planned item list (items of unreadable structures belong to none).
std::vector<EnsembleGroup> ensemble_groups(const std::vector<mpi::ItemEntry>& items);

/// The /ensemble tables for create_results_file (empty for kind none). n_k: columns of /spectra/chi.
std::vector<mpi::SummaryTable> ensemble_tables(const CampaignConfig& config, const std::vector<mpi::ItemEntry>& items,
                                               std::size_t n_k);

struct EnsembleSummaryLine {
  std::string key;
  int members = 0;
  double sigma2_A2 = 0, sigma2_stderr_A2 = 0, first_shell_r_A = 0;
  double r_factor = 0;  ///< rmc: of the mean chi against the target (NaN otherwise)
};

/// Computes and writes the summary (serial; rank 0 after the collective writer is closed).
/// Returns one line per group for the run's report.
std::vector<EnsembleSummaryLine> write_ensemble_summary(const std::filesystem::path& results, const CampaignConfig& config);

}  // namespace xasforge::workflows
