#!/usr/bin/env bash
# Reads every structure of ../shared/data/structures and finds its space group and absorber
# classes: `xasforge info --json --shells 0` against pymatgen 2022.11 (Structure.from_file +
# SpacegroupAnalyzer(...).get_symmetrized_structure()) on the same files, in the same run.
# Usage: benchmarks/structure_info.sh [BUILD_DIR]   (default build/)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
data=${XASFORGE_SHARED:-$root/../shared}/data/structures
files=("$data"/*.json)
n=${#files[@]}

t0=$(date +%s.%N)
"$build/workflows/xasforge" info --json --shells 0 "${files[@]}" > /tmp/xasforge_bench_info.$$
t1=$(date +%s.%N)
/usr/bin/python3 - "${files[@]}" <<'PY' > /tmp/xasforge_bench_pmg.$$
import sys, warnings
warnings.filterwarnings("ignore")
from pymatgen.core import Structure
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer
import time
t = time.perf_counter()  # after the imports: pymatgen's start-up (~2 s) is not counted
for f in sys.argv[1:]:
    s = Structure.from_file(f)
    e = SpacegroupAnalyzer(s).get_symmetrized_structure().equivalent_indices
print(time.perf_counter() - t)
PY
ours=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}')
theirs=$(tail -1 /tmp/xasforge_bench_pmg.$$)
lines=$(grep -c absorber_classes /tmp/xasforge_bench_info.$$)
rm -f /tmp/xasforge_bench_info.$$ /tmp/xasforge_bench_pmg.$$
printf 'structures: %d (xasforge printed %d)\n' "$n" "$lines"
awk -v o="$ours" -v t="$theirs" -v n="$n" 'BEGIN{
  printf "xasforge info --json: %.2f s  (%.2f ms per structure)\n", o, 1000 * o / n
  printf "pymatgen read + SpacegroupAnalyzer: %.2f s  (%.2f ms per structure)\n", t, 1000 * t / n
  printf "speed-up: %.1fx\n", t / o }'
