#pragma once
/// `xasforge run`: plan (or resume), then schedule the items over every rank and checkpoint them
/// into the results file.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/mpi/communicator.hpp>

#include "mpi/scheduler.hpp"
#include "mpi/testing_hooks.hpp"

namespace xasforge::workflows {

struct RunOptions {
  std::string campaign_file;
  std::string output;         ///< overrides output.file when not empty
  bool force = false;         ///< start over when the results file holds another campaign
  bool retry_failed = false;  ///< re-run items recorded as failed (not structure-level failures)
  mpi::TestingHooks testing;  ///< fault injection for tests only (run --testing-hooks; default: none)
};

struct RunSummary {
  std::string output;
  bool resumed = false;
  std::int64_t n_items = 0;
  std::int64_t already_done = 0;  ///< done or failed before this run
  std::int64_t to_do = 0;
  mpi::SchedulerReport scheduler;
  std::vector<double> peak_rss_mib;  ///< rank 0: every rank's peak resident memory (MiB), by rank
};

/// Collective over `comm`. Errors found before any item runs (bad YAML, another campaign in the
/// results file) are thrown as InputError on every rank; errors during the run abort the job.
RunSummary run_campaign(const RunOptions& options, const boost::mpi::communicator& comm);

/// Version string stored in results files.
std::string code_version();

}  // namespace xasforge::workflows
