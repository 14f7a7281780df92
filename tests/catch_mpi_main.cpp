// The only translation unit with CATCH_CONFIG_RUNNER for MPI tests: MPI is initialised once
// around the Catch session, rank 0 reports in full, and any rank failing fails the job.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>

#include <cstdio>
#include <string_view>

int main(int argc, char* argv[]) {
  boost::mpi::environment env(argc, argv);
  boost::mpi::communicator world;
  Catch::Session session;
  if (int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  bool listing = false;
  for (int i = 1; i < argc; ++i) listing |= std::string_view(argv[i]).rfind("--list", 0) == 0;
  if (world.rank() != 0) {
    if (listing) {
      if (std::freopen("/dev/null", "w", stdout) == nullptr) return 1;
    } else {
      session.configData().reporterName = "compact";
    }
  }
  int failures = session.run();
  failures = boost::mpi::all_reduce(world, failures, boost::mpi::maximum<int>());
  return failures > 0 ? 1 : 0;
}
