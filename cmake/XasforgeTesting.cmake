# add_xasforge_test(<name> SOURCES <files...> [LIBS <targets...>] [MPI_RANKS <n...>] [TIMEOUT <s>])
#
# Serial tests link Catch2's prebuilt main and are split into one CTest entry per Catch test case.
# MPI tests link tests/catch_mpi_main.cpp and run once per rank count under mpiexec.
set(XASFORGE_SHARED_DIR "${PROJECT_SOURCE_DIR}/../shared" CACHE PATH
    "The shared data folder beside the checkout (docs/, data/)")

set(XAS_MPI_TEST_ENV
  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_hwloc_base_binding_policy=none
  OMPI_MCA_mpi_yield_when_idle=1 OMPI_MCA_btl=self,vader
  OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_pml=ob1 OMPI_MCA_plm=isolated)

include(Catch)

function(add_xasforge_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;MPI_RANKS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_definitions(${name} PRIVATE
    XASFORGE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    XASFORGE_SHARED_DIR="${XASFORGE_SHARED_DIR}"
    XASFORGE_BINARY_DIR="${PROJECT_BINARY_DIR}")
  target_link_libraries(${name} PRIVATE ${T_LIBS} xasforge::warnings)
  if(T_MPI_RANKS)
    target_link_libraries(${name} PRIVATE xasforge_catch_mpi_main)
    foreach(n IN LISTS T_MPI_RANKS)
      add_test(NAME ${name}_np${n}
               COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${n} ${MPIEXEC_PREFLAGS}
                       $<TARGET_FILE:${name}> --use-colour no ${MPIEXEC_POSTFLAGS})
      set_tests_properties(${name}_np${n} PROPERTIES ENVIRONMENT "${XAS_MPI_TEST_ENV}"
                           PROCESSORS ${n} TIMEOUT ${T_TIMEOUT} LABELS mpi)
    endforeach()
  else()
    target_link_libraries(${name} PRIVATE Catch2::Catch2WithMain)
    catch_discover_tests(${name} TEST_PREFIX "${name}:" EXTRA_ARGS --use-colour no
                         PROPERTIES TIMEOUT ${T_TIMEOUT} ENVIRONMENT "${XAS_MPI_TEST_ENV}")
  endif()
endfunction()
