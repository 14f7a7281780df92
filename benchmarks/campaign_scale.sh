#!/usr/bin/env bash
# Campaigns at scale (docs/campaign.md, "Scale figures"): synthetic campaigns of N structures
# (seeded isotropic strains of the bundled ones, benchmarks/campaign_synthetic.py; labels-only
# stage `rdf`, so it runs on 2 cores) on 2 ranks. Per N it prints: planning time, items/s,
# master reports served and rank-0 time per report, peak memory per rank, checkpoint writes and
# their cost, resume after a SIGKILL of the whole job (time to plan-read-back and finish), and
# `xasforge status` time. Then the bundled 1,433-structure plan on 1 and 2 ranks, with the
# reference: pymatgen's SpacegroupAnalyzer (what planning reproduces) on the same structures.
#
# Usage: benchmarks/campaign_scale.sh [BUILD_DIR] [N...]   (default: build 1000 10000 100000)
#        XASFORGE_SCALE_RANKS=0 skips the 4/16/32-rank section.
# Takes about 5 min for the default sizes at load 7-19 on 2 cores (most of it generating, running
# and resuming the 100,000; planning them is 7 CPU-s per rank since the operations-only symmetry
# search, core/structure/site_orbits.hpp; it was 187 CPU-s with spglib's data set); the
# synthetic files (4 KiB each, 400 MB for 100,000) go to a temporary folder, removed at the end
# (XASFORGE_SCALE_KEEP=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
shift || true
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(1000 10000 100000)
source scripts/setup.sh >/dev/null
source scripts/local_mpi_env.sh
cmake --build "$BUILD" --target xasforge -j2 >/dev/null
XAS="$PWD/$BUILD/workflows/xasforge"
SHARED=$(cd ../shared/data/structures && pwd)
WORK=$(mktemp -d)
[ "${XASFORGE_SCALE_KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
echo "machine: $(nproc) cores, $(uptime | sed 's/.*load average/load average/')"
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

campaign() {  # NAME GLOB -> YAML path
  cat > "$WORK/$1.yaml" <<YAML
campaign: $1
seed: 3
structures: { paths: ["$2"], max_sites: 200 }
absorbers: { elements: [Sc, Ti, V, Cr, Mn, Fe, Co, Ni, Cu, Zn] }
scattering: { enabled: false }
labels: [rdf]
rdf: { r_max: 5.0, bin_width: 0.1 }
output: { checkpoint_every: 10s, progress_every: 1h }
YAML
  echo "$WORK/$1.yaml"
}

for n in "${SIZES[@]}"; do
  echo "== $n synthetic structures, 2 ranks"
  t0=$(now)
  /usr/bin/python3 benchmarks/campaign_synthetic.py "$n" "$WORK/s$n"
  echo "  generated in $(since "$t0") s"
  yaml=$(campaign "scale$n" "$WORK/s$n/*.json")
  out="$WORK/scale$n.h5"
  t0=$(now)
  mpiexec -n 2 "$XAS" run "$yaml" --output "$out" > "$WORK/run$n.log" 2>/dev/null
  wall=$(since "$t0")
  grep -E "^(planned|created|finished|master|peak)" "$WORK/run$n.log" | sed 's/^/  /'
  echo "  run wall (launch, plan, create, items, checkpoints) $wall s"
  ls -l "$out" | awk '{ printf "  results file %.1f MiB\n", $5 / 1048576 }'
  t0=$(now)
  "$XAS" status "$out" > /dev/null
  echo "  xasforge status: $(since "$t0") s"

  # Resume: items from a third of the way on set back to pending (status 0, as a job killed
  # there leaves them), then a rerun reads the plan back (no planning) and finishes them.
  reset() {
    /usr/bin/python3 - "$out" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    st = f["items/status"]
    st[len(st) // 3:] = 0
PY
  }
  reset
  t0=$(now)
  mpiexec -n 2 "$XAS" run "$yaml" --output "$out" > "$WORK/resume$n.log" 2>/dev/null
  rwall=$(since "$t0")
  echo "  resume of 2/3 pending (plan read back): $rwall s wall; $(grep -E '^finished' "$WORK/resume$n.log")"
  if grep -q "^planned" "$WORK/resume$n.log"; then echo "  ERROR: the resume planned again"; exit 1; fi
  # A real SIGKILL of the whole job half-way through such a resume, then a rerun.
  reset
  setsid mpiexec -n 2 "$XAS" run "$yaml" --output "$out" > "$WORK/killed$n.log" 2>/dev/null &
  job=$!
  sleep "$(awk -v w="$rwall" 'BEGIN { printf "%.2f", 0.5 * w }')"
  pkill -KILL -s "$job" 2>/dev/null || true
  wait $job 2>/dev/null || true
  t0=$(now)
  mpiexec -n 2 "$XAS" run "$yaml" --output "$out" > "$WORK/after_kill$n.log" 2>/dev/null
  echo "  SIGKILL half-way, rerun: $(grep -E '^resuming' "$WORK/after_kill$n.log" | sed -E 's/ on 2 ranks.*//'), finished in $(since "$t0") s"
  "$XAS" status "$out" | grep -E "items " | sed 's/^ */  final: /'
  echo "  $(uptime | sed 's/.*load average/load average/')"
done

if [ "${XASFORGE_SCALE_RANKS:-1}" = 1 ]; then
  echo "== many ranks (oversubscribed on $(nproc) cores): the first 1000 synthetic structures, checkpoint every 200 items"
  /usr/bin/python3 benchmarks/campaign_synthetic.py 1000 "$WORK/r1000"
  yaml=$(campaign ranks "$WORK/r1000/*.json")
  sed -i 's/checkpoint_every: 10s/checkpoint_every: 200 items/' "$yaml"
  for r in 4 16 32; do
    rm -f "$WORK/ranks.h5"
    t0=$(now)
    mpiexec -n $r "$XAS" run "$yaml" --output "$WORK/ranks.h5" > "$WORK/ranks$r.log" 2>/dev/null
    echo "  -n $r: $(since "$t0") s wall (launch included)"
    grep -E "^(planned|finished|master|peak)" "$WORK/ranks$r.log" | sed 's/^/    /'
  done
fi

echo "== the bundled structures ($(ls "$SHARED"/*.json | wc -l) files), plan only"
yaml=$(campaign bundled "$SHARED/*.json")
declare -A PLAN_S
for r in 1 2; do
  rm -f "$WORK/bundled$r.h5"
  line=$(mpiexec -n $r "$XAS" run "$yaml" --output "$WORK/bundled$r.h5" 2>/dev/null | grep -E "^planned")
  echo "  $line"
  PLAN_S[$r]=$(sed -E 's/.*\(CPU ([0-9.]+) s on the busiest.*/\1/' <<<"$line")
done
n_bundled=$(ls "$SHARED"/*.json | wc -l)
echo "  reference: pymatgen SpacegroupAnalyzer(symprec 0.01, angle 5), read + symmetrized structure, first 200 files (CPU time)"
/usr/bin/python3 - "$SHARED" "${PLAN_S[1]}" "$n_bundled" <<'PY'
import glob, sys, time, warnings
warnings.filterwarnings("ignore")
from pymatgen.core import Structure
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer
files = sorted(glob.glob(sys.argv[1] + "/*.json"))[:200]
t0 = time.process_time()
for f in files:
    SpacegroupAnalyzer(Structure.from_file(f), symprec=0.01, angle_tolerance=5).get_symmetrized_structure()
dt = time.process_time() - t0
ours = 1e3 * float(sys.argv[2]) / int(sys.argv[3])
print(f"  pymatgen: {dt:.2f} CPU-s for {len(files)} structures = {1e3 * dt / len(files):.1f} ms per structure; "
      f"xasforge planning on 1 rank: {ours:.2f} CPU-ms per structure (read + classes + item rows); "
      f"ratio pymatgen / xasforge = {1e3 * dt / len(files) / ours:.1f}")
PY
