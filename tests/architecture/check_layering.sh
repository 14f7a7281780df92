#!/usr/bin/env bash
# Layering check (docs/architecture.md): no header under core/, no stage header
# (workflows/stages/*.hpp) and no results-layout header may reach MPI or HDF5, directly or
# through other headers; core/ may not include mpi/ or workflows/ at all.
# Each header is preprocessed alone (g++ -M -MG lists every header it reaches; headers outside
# the default search path are listed by name and not followed, which is enough to see them).
# Usage: check_layering.sh SOURCE_DIR [CXX]
set -uo pipefail
src=$1 cxx=${2:-c++}
cd "$src" || exit 1
bad=0 n=0
for h in $(find core -name '*.hpp' | sort) workflows/stages/*.hpp mpi/results_layout.hpp; do
  n=$((n + 1))
  deps=$("$cxx" -std=c++20 -M -MG -I. -x c++ "$h" 2>&1) || { echo "FAIL: $h does not preprocess: $deps" | head -3; bad=1; continue; }
  hits=$(tr ' \\' '\n\n' <<<"$deps" | grep -E '(^|/)(mpi\.h|hdf5\.h|H5[A-Za-z]*\.h)$|boost/mpi' | sort -u | tr '\n' ' ')
  if [ -n "$hits" ]; then echo "FAIL: $h reaches $hits"; bad=1; fi
  if [[ $h == core/* ]]; then
    up=$(grep -nE '#include +"(mpi|workflows)/' "$h")
    if [ -n "$up" ]; then echo "FAIL: $h includes an upper layer: $up"; bad=1; fi
  fi
done
[ "$n" -gt 60 ] || { echo "FAIL: only $n headers found (wrong source dir?)"; exit 1; }
[ $bad -eq 0 ] && echo "PASS: $n headers free of MPI and HDF5"
