#pragma once
/// Master–worker scheduler over MPI ranks (Boost.MPI). Rank 0 hands out item ids dynamically in
/// batches; every rank runs the stage function on its items, buffers the finished rows and, at each
/// checkpoint, joins one collective write (through CheckpointFunction) of the rows it holds.
///
/// Protocol (tags in scheduler.cpp): a worker sends a Report (the outcomes of its last batch, which
/// doubles as a request for work); rank 0 answers with an Order: a batch of ids, CHECKPOINT (join
/// the collective write now) or FINISH (join the final write and return). A checkpoint is due every
/// `checkpoint_every_s` seconds or `checkpoint_every_items` finished items (rank 0's clock and
/// count); each worker is told at its next report, and rank 0 joins once all have been told, so
/// every rank makes the same sequence of collective calls. Once the queue is empty no new
/// checkpoint starts; FINISH goes out only when no checkpoint is pending.
///
/// Failures are data: an exception thrown by the stage becomes a failed row with its message.
/// With a per-item time limit each item runs in a forked child process (it must not call MPI or
/// HDF5; stages are core/ code and do not) whose result comes back through a pipe: a stuck item is
/// SIGKILLed at the limit and recorded as failed, and a crashing item (segfault, abort) is recorded
/// as failed instead of taking the rank down. Without a limit items run in-process (no fork cost).
/// A watchdog thread was rejected: C++ cannot stop a running thread, so a stuck item would keep
/// burning its core and could not be bounded.
///
/// Rank 0 computing too (few ranks): its own item runs on a second thread while the calling
/// thread keeps answering reports and joining checkpoints, so a long item on rank 0 (minutes of
/// FEFF for a hydride) never leaves the workers waiting for orders. Only the calling thread calls
/// MPI, so the MPI library needs MPI_THREAD_FUNNELED. (Running rank 0's items in a forked child
/// instead was rejected: the stage's per-structure caches, e.g. FEFF phase shifts, would be lost
/// with every child.)
///
/// Stopping: while run() is active, SIGTERM, SIGINT and SIGHUP first SIGKILL what the rank's
/// items have running (forked item groups; subprocesses of in-process items), then take their
/// previous course; a forked item also dies with its rank when the rank is SIGKILLed
/// (parent-death signal). Details beside the handler in scheduler.cpp.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <boost/mpi/communicator.hpp>

#include "mpi/results_file.hpp"

namespace xasforge::mpi {

struct SchedulerOptions {
  double checkpoint_every_s = 60.0;         ///< 0: no time trigger
  std::int64_t checkpoint_every_items = 0;  ///< 0: no count trigger
  double item_time_limit_s = 0.0;           ///< 0: unlimited (in-process); > 0: forked child, killed at the limit
  double target_batch_s = 0.5;              ///< batches aim at this much work per hand-out
  int max_batch = 256;
  int fixed_batch = 0;                      ///< > 0: always this batch size (benchmarks)
  /// Whether rank 0 also computes items between serving workers: -1 auto (yes for fewer than 4
  /// ranks, where one idle master would waste a large share of the machine), 0 no, 1 yes.
  /// With a single rank it always computes.
  int master_computes = -1;
  double progress_every_s = 1.0;
  /// Tests only (testing_hooks.hpp, dispatch_log): rank 0 appends every id it hands out here.
  std::string dispatch_log;
};

/// What a stage returns for one item: one vector per data block, in the results layout's order.
using StageValues = std::vector<std::vector<double>>;
/// Computes one item; throws (any std::exception) to mark it failed with the message.
using StageFunction = std::function<StageValues(std::int64_t item)>;
/// Collective: called on every rank at each checkpoint with the rows that rank holds (maybe none).
using CheckpointFunction = std::function<void(const std::vector<FinishedRow>& rows)>;

struct Progress {
  std::int64_t total = 0;        ///< items in this run (excluding those already done before)
  std::int64_t done = 0;
  std::int64_t failed = 0;
  double elapsed_s = 0.0;
  double rate_per_s = 0.0;       ///< finished items per second so far
  double eta_s = 0.0;            ///< < 0 if unknown
  bool is_final = false;
};
/// Rank 0 only; called at most every progress_every_s seconds and once at the end.
using ProgressFunction = std::function<void(const Progress&)>;

/// Figures of one run (meaningful on rank 0; other ranks fill their own counts).
struct SchedulerReport {
  std::int64_t done = 0;
  std::int64_t failed = 0;
  double wall_s = 0.0;
  double checkpoint_s = 0.0;     ///< rank 0's time inside checkpoint writes
  int checkpoints = 0;
  std::int64_t messages = 0;     ///< reports served by rank 0
  double master_service_s = 0.0; ///< rank 0's time spent serving reports (excluding its own items)
};

/// Runs one item with the scheduler's failure handling (exceptions, optional time limit); also
/// used by tests. `rank` is recorded in the row.
FinishedRow execute_item(std::int64_t item, const StageFunction& stage, double time_limit_s, int rank);

class Scheduler {
 public:
  Scheduler(const boost::mpi::communicator& comm, SchedulerOptions options);

  /// Collective. `todo` (read on rank 0 only) lists the item ids to compute, in order.
  SchedulerReport run(const std::vector<std::int64_t>& todo, const StageFunction& stage,
                      const CheckpointFunction& checkpoint, const ProgressFunction& progress = {});

 private:
  boost::mpi::communicator comm_;
  SchedulerOptions options_;
};

}  // namespace xasforge::mpi
