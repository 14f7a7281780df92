#pragma once
/// Versions of the parallel libraries xasforge was built and runs with.
#include <string>

namespace xasforge::mpi {

/// "Open MPI v4.1.4, ..." as reported by MPI_Get_library_version (callable before MPI_Init).
std::string mpi_library_version();
/// "1.10.8" as reported by H5get_libversion.
std::string hdf5_library_version();

}  // namespace xasforge::mpi
