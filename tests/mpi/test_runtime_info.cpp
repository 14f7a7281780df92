#include <catch2/catch.hpp>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>

#include "mpi/runtime_info.hpp"

TEST_CASE("MPI and parallel HDF5 runtimes are the ones we built against", "[mpi]") {
  boost::mpi::communicator world;
  CHECK(xasforge::mpi::mpi_library_version().find("Open MPI") != std::string::npos);
  CHECK(xasforge::mpi::hdf5_library_version().rfind("1.10", 0) == 0);
  // Every rank takes part: the sum of ranks is n(n-1)/2.
  const int sum = boost::mpi::all_reduce(world, world.rank(), std::plus<int>());
  CHECK(sum == world.size() * (world.size() - 1) / 2);
}
