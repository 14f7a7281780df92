#!/usr/bin/env bash
# Production code reads only the environment variables a user sets on purpose
# (docs/architecture.md, "Test hooks"): PATH (finding feff8l), XASFORGE_HDF5_ALIGNMENT and
# XASFORGE_MPIIO_HINTS (docs/campaign.md). Test behaviour comes in through explicit settings
# (mpi/testing_hooks.hpp, `xasforge run --testing-hooks`), never through getenv. A getenv of
# any other name, or of a name that is not a string literal, fails this check.
# Usage: check_environment_reads.sh SOURCE_DIR
set -uo pipefail
cd "$1" || exit 1
allowed='^(PATH|XASFORGE_HDF5_ALIGNMENT|XASFORGE_MPIIO_HINTS)$'
bad=0 n=0
while IFS= read -r hit; do
  n=$((n + 1))
  name=$(sed -nE 's/.*getenv\("([A-Za-z0-9_]+)"\).*/\1/p' <<<"$hit")
  if [ -z "$name" ] || ! [[ $name =~ $allowed ]]; then echo "FAIL: $hit"; bad=1; fi
done < <(grep -rnE '\bgetenv *\(' core mpi workflows --include='*.cpp' --include='*.hpp')
[ "$n" -gt 0 ] || { echo "FAIL: no getenv found at all (wrong source dir?)"; exit 1; }
[ $bad -eq 0 ] && echo "PASS: $n environment reads, all of them user settings"
