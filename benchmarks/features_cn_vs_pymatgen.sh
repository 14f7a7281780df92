#!/usr/bin/env bash
# CrystalNN coordination numbers per site: xasforge vs pymatgen 2022.11 (Debian python3-pymatgen),
# on the same symmetry-unique sites of the same structures, in one run. Target: >= 50x.
#
# Usage: benchmarks/features_cn_vs_pymatgen.sh [N_STRUCTURES (default 80)] [BUILD_DIR (default build)]
# Needs a built `xasforge` (cmake --build BUILD_DIR --target xasforge). Prints wall-clock and CPU
# figures (the CPU ones are the fair comparison on a loaded machine).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
n_structures="${1:-80}"
build="${2:-$here/build}"
shared="${XASFORGE_SHARED:-$here/../shared}"
xasforge="$build/workflows/xasforge"
[ -x "$xasforge" ] || { echo "build xasforge first: cmake --build $build --target xasforge" >&2; exit 1; }

/usr/bin/python3 - "$xasforge" "$shared/data/structures" "$n_structures" <<'PY'
import csv, json, re, resource, subprocess, sys, time, warnings
warnings.filterwarnings("ignore")
from pymatgen.core import Structure
from pymatgen.analysis.local_env import CrystalNN

xasforge, folder, n_structures = sys.argv[1], sys.argv[2], int(sys.argv[3])
# The first N structures of the labelled set, in the order of crystalnn_labels.csv (deterministic).
names = []
for row in csv.DictReader(open(f"{folder}/crystalnn_labels.csv")):
    if row["structure"] not in names:
        names.append(row["structure"])
files = [f"{folder}/{n}.json" for n in names[:n_structures]]

# xasforge: CN of every symmetry-unique site (all elements) of each file, one process. --timing
# reports the wall time inside CrystalNN; the process figures include start-up, reading, spglib
# symmetry and JSON output.
before = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.perf_counter()
run = subprocess.run([xasforge, "cn", "--json", "--timing", *files], capture_output=True, text=True, check=True)
x_wall = time.perf_counter() - t0
after = resource.getrusage(resource.RUSAGE_CHILDREN)
x_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
m = re.search(r"(\d+) sites in ([0-9.]+) s wall, ([0-9.]+) s CPU", run.stderr)
x_sites, x_cn_seconds, x_cn_cpu = int(m.group(1)), float(m.group(2)), float(m.group(3))
rows = [json.loads(line) for line in run.stdout.splitlines()]

# pymatgen on exactly the same (structure, site) pairs; only get_cn is timed.
cnn = CrystalNN()
n = agree = 0
p_wall = p_cpu = 0.0
for r in rows:
    s = Structure.from_file(r["file"])
    for site in r["sites"]:
        w0, c0 = time.perf_counter(), time.process_time()
        cn = cnn.get_cn(s, site["site"])
        p_wall += time.perf_counter() - w0
        p_cpu += time.process_time() - c0
        n += 1
        agree += cn == site["cn"]
assert n == x_sites, (n, x_sites)
ms = lambda seconds: 1e3 * seconds / n
print(f"structures: {len(rows)}, symmetry-unique sites: {n}")
print(f"pymatgen CrystalNN.get_cn         : {ms(p_wall):8.3f} ms/site wall, {ms(p_cpu):8.3f} ms/site CPU")
print(f"xasforge crystal_nn (in process)  : {ms(x_cn_seconds):8.4f} ms/site wall, {ms(x_cn_cpu):8.4f} ms/site CPU"
      f"   ratio {p_wall / x_cn_seconds:6.1f}x wall, {p_cpu / max(x_cn_cpu, 1e-9):6.1f}x CPU  (target >= 50x)")
print(f"xasforge cn, whole process        : {ms(x_wall):8.4f} ms/site wall, {ms(x_cpu):8.4f} ms/site CPU"
      f"   ratio {p_wall / x_wall:6.1f}x wall, {p_cpu / x_cpu:6.1f}x CPU (incl. start-up, reading, spglib, JSON)")
print(f"CN identical on these sites: {agree}/{n}")
PY
