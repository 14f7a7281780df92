#!/usr/bin/env bash
# One command: install what is missing, build, run the whole test suite.
#   scripts/test.sh              RelWithDebInfo build in build/
#   scripts/test.sh --sanitize   ASan+UBSan build in build-sanitize/
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/setup.sh"
source "$root/scripts/local_mpi_env.sh"  # this machine only: loopback Open MPI settings

type=RelWithDebInfo build=$root/build
if [ "${1:-}" = "--sanitize" ]; then
  type=Sanitize build=$root/build-sanitize
  export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
fi
# Warnings are on in every build; pass XASFORGE_CMAKE_ARGS=-DXASFORGE_WERROR=ON to make them errors.
"$root/scripts/build.sh" "$build" "$type"
cd "$build"
ctest --output-on-failure -j"$(nproc)" --timeout 900
