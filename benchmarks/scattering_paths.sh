#!/usr/bin/env bash
# Path finder speed: xasforge find_paths() vs FEFF 8.5L's feff8l_pathfinder on the same inputs
# (the fixture cases of tests/reference/scattering). For each case FEFF's rdinp/pot/xsph are run
# once in a scratch folder (not timed), then feff8l_pathfinder is timed (median of N runs, wall
# clock, includes its process start and file output), and xasforge's path finder is timed in
# process (pw tables + enumeration + degeneracy + pw filter, reading nothing) through the hidden
# Catch test "[.bench_paths]" of build/tests/core/scattering/test_paths.
# Usage: benchmarks/scattering_paths.sh [build-dir]   (needs the test_paths target built)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
exe="$build/tests/core/scattering/test_paths"
[ -x "$exe" ] || { echo "build test_paths first: cmake --build $build --target test_paths" >&2; exit 1; }
cases="cu_ref cu_fcc fe_bcc nio zno cuo cu_disordered256 cu_nleg6"
nrep=${NREP:-7}
scratch="$(mktemp -d -t xasforge-bench-paths-XXXXXX)"
trap 'rm -rf "$scratch"' EXIT

declare -A feff_ms
for c in $cases; do
  d="$scratch/$c"; mkdir -p "$d"; cp "$root/tests/reference/scattering/$c/feff.inp" "$d/"
  (cd "$d" && feff8l_rdinp >/dev/null && feff8l_pot >/dev/null && feff8l_xsph >/dev/null)
  times=()
  for ((i = 0; i < nrep; i++)); do
    t0=$(date +%s%N); (cd "$d" && feff8l_pathfinder >/dev/null); t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  med=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (nrep + 1) / 2 ))p")
  feff_ms[$c]=$(awk -v us="$med" 'BEGIN{printf "%.3f", us/1000}')
done

out=$(XASFORGE_BENCH_CASES="$cases" "$exe" "[.bench_paths]" | grep '^BENCH')
printf '%-18s %6s %12s %12s %8s\n' case paths "xasforge ms" "FEFF ms" ratio
while read -r _ name paths ms reps; do
  ours=${ms#ms_per_run=}; n=${paths#paths=}
  printf '%-18s %6s %12s %12s %8s\n' "$name" "$n" "$ours" "${feff_ms[$name]}" \
    "$(awk -v a="$ours" -v b="${feff_ms[$name]}" 'BEGIN{printf "%.1fx", b/a}')"
done <<< "$out"
echo "(FEFF: median wall time of $nrep runs of feff8l_pathfinder incl. process start and paths.dat/crit.dat output;"
echo " xasforge: mean in-process time of find_paths over >= 1 s of repetitions; same machine, same run)"
