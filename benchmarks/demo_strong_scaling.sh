#!/usr/bin/env bash
# Strong scaling of the demo campaign from 1 to 2 ranks (docs/campaign.md, "Strong scaling"):
# examples/demo.yaml as it is (native phases, K-edge chi(k) by the path expansion, |chi(R)|
# features, CrystalNN labels) over its first N structures in file-name order (default 200, about
# 300 items; all 1,433 give the full demo's 2,208), run once on 1 rank and once on 2 (where rank 0
# also computes, on a second thread). For each it prints the items, the wall time of the whole
# run (launch, planning, file creation, items, checkpoints), the wall time of the items phase
# (the run's own `finished ... in X s` line), items per second, CPU seconds (user + system of
# the whole job), and at the end the speed-up and parallel efficiency E = T1 / (2 T2) for both
# times. The load average is printed before and after: on a shared machine the second rank
# competes with whatever else runs, so E measures the code only on an idle machine.
#
# Usage: benchmarks/demo_strong_scaling.sh [BUILD_DIR] [N_STRUCTURES]   (default: build 200)
# Takes about 5 min for the default 200 structures at load 5-8 on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
N=${2:-200}
source scripts/setup.sh >/dev/null
source scripts/local_mpi_env.sh
cmake --build "$BUILD" --target xasforge -j2 >/dev/null
XAS="$PWD/$BUILD/workflows/xasforge"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# The campaign file is the demo's own, beside a structures/ folder holding the first N of its
# structures, so its relative `structures/*.json` picks exactly those.
mkdir "$WORK/structures"
mapfile -t ALL < <(find "$PWD/examples/structures" -maxdepth 1 -name '*.json' | LC_ALL=C sort)
for f in "${ALL[@]:0:$N}"; do ln -s "$f" "$WORK/structures/"; done
cp examples/demo.yaml "$WORK/demo.yaml"
echo "machine: $(nproc) cores, $(uptime | sed 's/.*load average/load average/')"
echo "demo campaign (examples/demo.yaml) over its first $(ls "$WORK/structures" | wc -l) structures"

declare -A WALL ITEMS_S CPU
items=0
for r in 1 2; do
  /usr/bin/time -f "%e %U %S" -o "$WORK/time$r" \
    mpiexec -n "$r" "$XAS" run "$WORK/demo.yaml" --output "$WORK/demo$r.h5" > "$WORK/run$r.log" 2>"$WORK/err$r.log" ||
    { echo "run on $r rank(s) failed:"; tail -5 "$WORK/err$r.log"; exit 1; }
  read -r wall user sys < "$WORK/time$r"
  fin=$(grep -E "^finished" "$WORK/run$r.log")
  done_items=$(sed -E 's/^finished: ([0-9]+) done, ([0-9]+) failed.*/\1/' <<<"$fin")
  failed_items=$(sed -E 's/^finished: ([0-9]+) done, ([0-9]+) failed.*/\2/' <<<"$fin")
  items_s=$(sed -E 's/.* failed in ([0-9.]+) s.*/\1/' <<<"$fin")
  items=$((done_items + failed_items))
  WALL[$r]=$wall
  ITEMS_S[$r]=$items_s
  CPU[$r]=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
  awk -v r="$r" -v n="$items" -v f="$failed_items" -v w="$wall" -v t="$items_s" -v u="$user" -v s="$sys" 'BEGIN {
    printf "  %d rank%s: %d items (%d failed), run wall %.1f s, items phase %.1f s, %.2f items/s (items phase), %.1f CPU-s (%.3f CPU-s per item)\n",
           r, (r > 1 ? "s" : ""), n, f, w, t, n / t, u + s, (u + s) / n }'
done
# Same datasets on 1 and 2 ranks (bit for bit; the run-time columns aside).
/usr/bin/python3 - "$WORK/demo1.h5" "$WORK/demo2.h5" <<'PY'
import sys, h5py, numpy as np
a, b = (h5py.File(p, "r") for p in sys.argv[1:3])
names = []
a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
timing = ("items/wall_seconds", "items/rank", "items/finished_at")
differ = [n for n in names if n not in timing and
          (n not in b or a[n].shape != b[n].shape or a[n][...].tobytes() != b[n][...].tobytes())]
print(f"  1 and 2 ranks: {len(names) - len(differ)} of {len(names)} datasets bit-identical"
      + (f"; differ: {', '.join(differ)}" if differ else ""))
sys.exit(1 if differ else 0)
PY
awk -v w1="${WALL[1]}" -v w2="${WALL[2]}" -v t1="${ITEMS_S[1]}" -v t2="${ITEMS_S[2]}" \
    -v c1="${CPU[1]}" -v c2="${CPU[2]}" 'BEGIN {
  printf "  speed-up 1 -> 2 ranks: run wall %.2f (efficiency %.2f), items phase %.2f (efficiency %.2f)\n",
         w1 / w2, w1 / (2 * w2), t1 / t2, t1 / (2 * t2)
  printf "  CPU-s 1 rank / 2 ranks: %.2f (the efficiency an idle machine would bound: what the second rank costs in extra work)\n", c1 / c2 }'
echo "machine after: $(uptime | sed 's/.*load average/load average/')"
