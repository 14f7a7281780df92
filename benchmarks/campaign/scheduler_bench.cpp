// Scheduler overhead: how many items per second rank 0 hands out, and what one message costs it.
//   mpiexec -n N campaign_scheduler_bench ITEMS BATCH ITEM_SECONDS
// BATCH 0: the adaptive batch size; ITEM_SECONDS 0: empty items. Prints one line per run on rank 0.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <thread>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>

#include "mpi/scheduler.hpp"

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv);
  boost::mpi::communicator world;
  const long n = argc > 1 ? std::atol(argv[1]) : 20000;
  const int batch = argc > 2 ? std::atoi(argv[2]) : 1;
  const double item_s = argc > 3 ? std::atof(argv[3]) : 0.0;
  std::vector<std::int64_t> todo(static_cast<std::size_t>(n));
  std::iota(todo.begin(), todo.end(), 0);
  xasforge::mpi::SchedulerOptions o;
  o.fixed_batch = batch;
  o.master_computes = 0;  // measure the master alone
  o.checkpoint_every_s = 0;
  xasforge::mpi::Scheduler s(world, o);
  const auto stage = [item_s](std::int64_t id) {
    if (item_s > 0) std::this_thread::sleep_for(std::chrono::duration<double>(item_s));
    return xasforge::mpi::StageValues{{static_cast<double>(id)}};
  };
  const auto r = s.run(todo, stage, [](const std::vector<xasforge::mpi::FinishedRow>&) {});
  if (world.rank() == 0)
    std::printf("ranks=%d items=%ld batch=%s item_s=%g wall_s=%.4f items_per_s=%.1f messages=%lld "
                "master_service_us_per_message=%.2f\n",
                world.size(), n, batch > 0 ? std::to_string(batch).c_str() : "adaptive", item_s, r.wall_s,
                static_cast<double>(n) / r.wall_s, static_cast<long long>(r.messages),
                1e6 * r.master_service_s / static_cast<double>(std::max<long long>(r.messages, 1)));
  return 0;
}
