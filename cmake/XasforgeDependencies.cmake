# Every dependency comes from a Debian bookworm package; scripts/setup.sh installs them.
find_package(MPI 3.1 REQUIRED COMPONENTS C CXX)                 # openmpi-bin libopenmpi-dev
find_package(Boost 1.74 REQUIRED COMPONENTS mpi serialization)  # libboost-mpi-dev libboost-serialization-dev

# Parallel HDF5 only (libhdf5-openmpi-dev): try h5pcc first, then refuse a serial result.
set(HDF5_PREFER_PARALLEL TRUE)
find_package(HDF5 1.10 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "HDF5 is serial (${HDF5_C_LIBRARIES}); install libhdf5-openmpi-dev and "
                      "configure in a fresh build directory")
endif()

find_package(ZLIB REQUIRED)                                      # zlib1g-dev (Athena .prj files)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)                      # libeigen3-dev
find_package(yaml-cpp 0.6 REQUIRED)                              # libyaml-cpp-dev
if(TARGET yaml-cpp::yaml-cpp)
  set(XAS_YAML yaml-cpp::yaml-cpp)
else()                                                           # bookworm's 0.7: plain target
  set(XAS_YAML yaml-cpp)
endif()
find_package(nlohmann_json 3.10 REQUIRED)                        # nlohmann-json3-dev
find_package(CLI11 2.1 REQUIRED)                                 # libcli11-dev

find_package(PkgConfig REQUIRED)
pkg_check_modules(FFTW3 REQUIRED IMPORTED_TARGET fftw3)          # libfftw3-dev

# spglib (libsymspg-dev) ships no CMake or pkg-config file on bookworm.
find_path(SPGLIB_INCLUDE_DIR spglib.h REQUIRED)
find_library(SPGLIB_LIBRARY symspg REQUIRED)
add_library(xasforge_spglib INTERFACE)
target_include_directories(xasforge_spglib SYSTEM INTERFACE ${SPGLIB_INCLUDE_DIR})
target_link_libraries(xasforge_spglib INTERFACE ${SPGLIB_LIBRARY})

# voro++ (voro++-dev): headers in /usr/include/voro++.
find_path(VORO_INCLUDE_DIR voro++.hh PATH_SUFFIXES voro++ REQUIRED)
find_library(VORO_LIBRARY voro++ REQUIRED)
add_library(xasforge_voro INTERFACE)
target_include_directories(xasforge_voro SYSTEM INTERFACE ${VORO_INCLUDE_DIR})
target_link_libraries(xasforge_voro INTERFACE ${VORO_LIBRARY})

if(XASFORGE_BUILD_TESTS OR PROJECT_IS_TOP_LEVEL)
  find_package(Catch2 2.13 REQUIRED)                             # catch2 (v2)
endif()
