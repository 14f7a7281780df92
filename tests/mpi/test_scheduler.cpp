// Master–worker scheduler: every item once, failures are data, time limits, matched collectives.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <numeric>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <spawn.h>
#include <unistd.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/serialization/vector.hpp>

#include "core/error.hpp"
#include "mpi/scheduler.hpp"

using namespace xasforge;
using namespace xasforge::mpi;
using Catch::Matchers::Contains;

namespace {

/// Runs `n` items with the given options; returns (on every rank) all rows gathered from every
/// rank's checkpoints, sorted by item, and the number of checkpoints each rank joined.
struct Outcome {
  std::vector<FinishedRow> rows;
  std::vector<int> checkpoints_per_rank;
  SchedulerReport report;
};

Outcome run_items(const boost::mpi::communicator& world, std::int64_t n, SchedulerOptions options,
                  const StageFunction& stage) {
  std::vector<std::int64_t> todo(static_cast<std::size_t>(n));
  std::iota(todo.begin(), todo.end(), 0);
  std::vector<FinishedRow> mine;
  int checkpoints = 0;
  Scheduler scheduler(world, options);
  Outcome out;
  out.report = scheduler.run(todo, stage, [&](const std::vector<FinishedRow>& rows) {
    ++checkpoints;
    // Every rank must be inside the same collective: a barrier here would deadlock otherwise.
    world.barrier();
    mine.insert(mine.end(), rows.begin(), rows.end());
  });
  std::vector<std::int64_t> ids;
  std::vector<int> status;
  std::vector<std::string> errors;
  std::vector<double> v0;
  for (const auto& r : mine) {
    ids.push_back(r.item);
    status.push_back(static_cast<int>(r.status));
    errors.push_back(r.error);
    v0.push_back(r.values.empty() ? -1.0 : r.values.at(0).at(0));
  }
  std::vector<std::vector<std::int64_t>> all_ids;
  std::vector<std::vector<int>> all_status;
  std::vector<std::vector<std::string>> all_errors;
  std::vector<std::vector<double>> all_v0;
  boost::mpi::all_gather(world, ids, all_ids);
  boost::mpi::all_gather(world, status, all_status);
  boost::mpi::all_gather(world, errors, all_errors);
  boost::mpi::all_gather(world, v0, all_v0);
  boost::mpi::all_gather(world, checkpoints, out.checkpoints_per_rank);
  for (std::size_t r = 0; r < all_ids.size(); ++r)
    for (std::size_t i = 0; i < all_ids[r].size(); ++i) {
      FinishedRow row;
      row.item = all_ids[r][i];
      row.status = static_cast<ItemStatus>(all_status[r][i]);
      row.error = all_errors[r][i];
      row.rank = static_cast<std::int32_t>(r);
      if (all_v0[r][i] >= 0) row.values = {{all_v0[r][i]}};
      out.rows.push_back(row);
    }
  std::sort(out.rows.begin(), out.rows.end(), [](auto& a, auto& b) { return a.item < b.item; });
  return out;
}

}  // namespace

TEST_CASE("every item is computed exactly once, on any number of ranks", "[mpi][scheduler]") {
  boost::mpi::communicator world;
  SchedulerOptions o;
  o.checkpoint_every_items = 7;
  o.checkpoint_every_s = 0;
  const auto out = run_items(world, 200, o, [](std::int64_t id) { return StageValues{{static_cast<double>(id * id)}}; });
  REQUIRE(out.rows.size() == 200);
  for (std::size_t i = 0; i < out.rows.size(); ++i) {
    CHECK(out.rows[i].item == static_cast<std::int64_t>(i));
    CHECK(out.rows[i].status == ItemStatus::kDone);
    CHECK(out.rows[i].values.at(0).at(0) == static_cast<double>(i * i));
  }
  // Same number of collective checkpoints on every rank, and more than the final one.
  CHECK(std::adjacent_find(out.checkpoints_per_rank.begin(), out.checkpoints_per_rank.end(), std::not_equal_to<>()) ==
        out.checkpoints_per_rank.end());
  CHECK(out.checkpoints_per_rank[0] > 1);
  if (world.rank() == 0) CHECK(out.report.done == 200);
}

TEST_CASE("with several ranks the work is shared", "[mpi][scheduler]") {
  boost::mpi::communicator world;
  if (world.size() < 2) return;
  SchedulerOptions o;
  o.master_computes = 0;
  const auto out = run_items(world, 40, o, [](std::int64_t id) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return StageValues{{static_cast<double>(id)}};
  });
  std::vector<int> per_rank(static_cast<std::size_t>(world.size()), 0);
  for (const auto& r : out.rows) ++per_rank[static_cast<std::size_t>(r.rank)];
  CHECK(per_rank[0] == 0);  // master_computes: no
  for (int r = 1; r < world.size(); ++r) CHECK(per_rank[static_cast<std::size_t>(r)] > 0);
}

TEST_CASE("an exception in an item is a failed row with its message", "[mpi][scheduler]") {
  boost::mpi::communicator world;
  SchedulerOptions o;
  const auto out = run_items(world, 30, o, [](std::int64_t id) -> StageValues {
    if (id % 7 == 3) throw InputError("bad input in item " + std::to_string(id));
    if (id == 10) throw 42;  // not even a std::exception
    return {{1.0}};
  });
  REQUIRE(out.rows.size() == 30);
  for (const auto& r : out.rows) {
    INFO("item " << r.item);
    if (r.item % 7 == 3) {
      CHECK(r.status == ItemStatus::kFailed);
      CHECK(r.error == "bad input in item " + std::to_string(r.item));
    } else if (r.item == 10) {
      CHECK(r.status == ItemStatus::kFailed);
      CHECK_THAT(r.error, Contains("non-standard exception"));
    } else {
      CHECK(r.status == ItemStatus::kDone);
    }
  }
}

TEST_CASE("a per-item time limit bounds stuck items and survives crashing ones", "[mpi][scheduler]") {
  boost::mpi::communicator world;
  SchedulerOptions o;
  o.item_time_limit_s = 0.5;
  const auto t0 = std::chrono::steady_clock::now();
  const auto out = run_items(world, 8, o, [](std::int64_t id) -> StageValues {
    if (id == 2) std::this_thread::sleep_for(std::chrono::seconds(30));  // stuck
    if (id == 5) std::abort();                                          // crashes
    if (id == 6) throw PhysicsError("no paths");
    return {{static_cast<double>(id) + 0.5, 2.0}};
  });
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE(out.rows.size() == 8);
  CHECK(out.rows[2].status == ItemStatus::kFailed);
  CHECK_THAT(out.rows[2].error, Contains("exceeded the time limit of 0.5 s"));
  CHECK(out.rows[5].status == ItemStatus::kFailed);
  CHECK_THAT(out.rows[5].error, Contains("stage crashed (signal 6"));
  CHECK(out.rows[6].status == ItemStatus::kFailed);
  CHECK(out.rows[6].error == "no paths");
  CHECK(out.rows[7].status == ItemStatus::kDone);
  CHECK(out.rows[7].values.at(0).at(0) == 7.5);  // values come back through the pipe intact
  CHECK(elapsed < 20.0);                         // the 30 s item was cut off
}

TEST_CASE("a timed-out item's subprocesses are killed with it", "[mpi][scheduler]") {
  // The stage starts a subprocess (as FEFF's modules are started) and hangs; after the time-out
  // neither may be left running.
  const std::string pid_file =
      (std::filesystem::temp_directory_path() / ("xasforge_sched_" + std::to_string(::getpid()))).string();
  const auto row = execute_item(
      4,
      [&](std::int64_t) -> StageValues {
        pid_t sub = 0;
        char arg0[] = "sleep", arg1[] = "60";
        char* argv[] = {arg0, arg1, nullptr};
        if (::posix_spawnp(&sub, "sleep", nullptr, nullptr, argv, environ) != 0) throw Error("cannot start sleep");
        std::ofstream(pid_file) << sub << '\n';
        std::this_thread::sleep_for(std::chrono::seconds(30));
        return {};
      },
      0.5, 0);
  CHECK(row.status == ItemStatus::kFailed);
  CHECK_THAT(row.error, Contains("exceeded the time limit of 0.5 s"));
  long sub = 0;
  std::ifstream(pid_file) >> sub;
  std::remove(pid_file.c_str());
  REQUIRE(sub > 0);
  auto running = [sub] {  // gone, or a zombie waiting for its new parent to reap it
    std::ifstream st("/proc/" + std::to_string(sub) + "/stat");
    std::string line;
    if (!st || !std::getline(st, line)) return false;
    const auto close = line.rfind(')');
    return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
  };
  for (int i = 0; i < 50 && running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const bool left_running = running();
  if (left_running) ::kill(static_cast<pid_t>(sub), SIGKILL);
  CHECK_FALSE(left_running);
}

TEST_CASE("execute_item passes whole vectors through the child process", "[mpi][scheduler]") {
  const auto row = execute_item(3, [](std::int64_t) { return StageValues{{1.0, 2.0, 3.0}, {}, {-4.5}}; }, 5.0, 0);
  REQUIRE(row.status == ItemStatus::kDone);
  CHECK(row.values == StageValues{{1.0, 2.0, 3.0}, {}, {-4.5}});
  CHECK(row.wall_s >= 0.0);
}

TEST_CASE("an empty to-do list still joins the final checkpoint", "[mpi][scheduler]") {
  boost::mpi::communicator world;
  const auto out = run_items(world, 0, {}, [](std::int64_t) { return StageValues{}; });
  CHECK(out.rows.empty());
  for (int c : out.checkpoints_per_rank) CHECK(c == 1);
}
