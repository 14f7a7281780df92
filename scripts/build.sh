#!/usr/bin/env bash
# Configures and builds xasforge. Usage: scripts/build.sh [BUILD_DIR] [BUILD_TYPE] [TARGET...]
# With no target, everything (library, executable, tests, benchmark drivers) is built.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
type=${2:-RelWithDebInfo}
shift $(( $# > 2 ? 2 : $# ))
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="$type" ${XASFORGE_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j"$(nproc)" "${targets[@]}"
