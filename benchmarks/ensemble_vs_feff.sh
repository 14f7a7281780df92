#!/usr/bin/env bash
# Configuration average of N_SNAPSHOTS (default 100) snapshots x all 256 absorbers of a disordered
# Cu cell (RPATH 5.0, NLEG 3, cluster 7 A, sigma^2 = 0) with `xasforge average`, against FEFF 8.5L
# doing the same work: per (snapshot, absorber) feff8l_rdinp + pathfinder + genfmt + ff2x after one
# pot/xsph (docs/physics.md §9 recipe). FEFF is timed on FEFF_RUNS (default 4) runs in this same session
# and extrapolated to N_SNAPSHOTS x 256 runs. CPU seconds (user + sys) are compared, so that load
# from other processes on the machine does not bias the ratio; the wall-clock ratio with one thread
# per core (`--threads`) is printed too. Target: >= 100x.
# Usage: benchmarks/ensemble_vs_feff.sh [build-dir]   (env N_SNAPSHOTS, FEFF_RUNS)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
exe="$build/workflows/xasforge"
[[ -x "$exe" ]] || { echo "build xasforge first: cmake --build $build --target xasforge" >&2; exit 1; }
export N_SNAPSHOTS="${N_SNAPSHOTS:-100}" FEFF_RUNS="${FEFF_RUNS:-4}" XASFORGE_EXE="$exe" ROOT="$root"
exec /usr/bin/python3 - <<'PY'
import os, random, resource, shutil, subprocess, sys, tempfile, time
root = os.environ["ROOT"]; exe = os.environ["XASFORGE_EXE"]
n_snap = int(os.environ["N_SNAPSHOTS"]); feff_runs = int(os.environ["FEFF_RUNS"])
sys.path.insert(0, os.path.join(root, "scripts"))
import regen_scattering_reference as rs
import regen_ensemble_reference as re_

work = tempfile.mkdtemp(prefix="xasforge_bench_ens_")
lat, fracs = re_.supercell()
rng = random.Random(4242)
files = []
snap_fracs = []
for s in range(n_snap):
    cart = [[x + rng.gauss(0.0, 0.065) for x in rs.frac_to_cart(lat, f)] for f in fracs]
    p = os.path.join(work, f"snap_{s:03d}.xyz")
    re_.write_xyz(p, lat, cart, f"snapshot={s}")
    files.append(p)
    snap_fracs.append([[c[j] / (4 * re_.A) for j in range(3)] for c in cart])

def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime

# --- xasforge: phase shifts once (FEFF pot/xsph inside the command), then every snapshot x absorber
c0, w0 = children_cpu(), time.time()
subprocess.run([exe, "average", *files, "--absorber", "Cu", "--all-sites", "--rmax", "5.0", "--max-legs", "3",
                "--cluster-radius", "7.0", "--threads", str(os.cpu_count() or 1), "-o", os.path.join(work, "chi.csv")], check=True)
ours_cpu, ours_wall = children_cpu() - c0, time.time() - w0
n_work = n_snap * 256

# --- FEFF 8.5L: pot/xsph once, then the per-snapshot modules on FEFF_RUNS (snapshot, absorber) pairs
scratch = os.path.join(work, "feff"); os.makedirs(scratch)
ideal = rs.periodic_cluster(lat, [29] * len(fracs), fracs, 0, 7.0)
rs.write_feff_inp(os.path.join(scratch, "feff.inp"), "ideal", ideal, 5.0, 3, None)
for prog in ["feff8l_rdinp", "feff8l_pot", "feff8l_xsph"]:
    subprocess.run([prog], cwd=scratch, check=True, capture_output=True)
cpu_runs, paths_runs = [], []
for i in range(feff_runs):
    s = i % n_snap; site = (37 * i) % 256
    cl = rs.periodic_cluster(lat, [29] * 256, snap_fracs[s], site, 7.0)
    rs.write_feff_inp(os.path.join(scratch, "feff.inp"), f"s{s} a{site}", cl, 5.0, 3, None)
    c0 = children_cpu()
    for prog in ["feff8l_rdinp", "feff8l_pathfinder", "feff8l_genfmt", "feff8l_ff2x"]:
        subprocess.run([prog], cwd=scratch, check=True, capture_output=True)
    cpu_runs.append(children_cpu() - c0)
    paths_runs.append(sum(1 for l in open(os.path.join(scratch, "list.dat")) if l.strip()[:1].isdigit()))
feff_per_run = sum(cpu_runs) / len(cpu_runs)
mean_paths = sum(paths_runs) / len(paths_runs)
feff_total = feff_per_run * n_work
model_total = (0.6 + 0.0008 * mean_paths) * n_work
print(f"work: {n_snap} snapshots x 256 absorbers = {n_work} (snapshot, absorber) spectra, RPATH 5.0, NLEG 3")
print(f"xasforge average: {ours_cpu:.1f} s CPU ({ours_wall:.1f} s wall), {1000 * ours_cpu / n_work:.2f} ms CPU per spectrum")
print(f"FEFF 8.5L measured: {feff_per_run:.3f} s CPU per run ({len(cpu_runs)} runs, {mean_paths:.0f} paths each) "
      f"-> {feff_total:.0f} s for the same work")
print(f"FEFF cost model of the issue (0.6 s + 0.8 ms/path): {model_total:.0f} s")
print(f"speed-up per CPU second vs measured FEFF: {feff_total / ours_cpu:.0f}x; vs the issue's cost model: {model_total / ours_cpu:.0f}x (target >= 100x)")
print(f"wall-clock speed-up with {os.cpu_count()} threads vs serial FEFF (measured CPU): {feff_total / ours_wall:.0f}x")
shutil.rmtree(work)
PY
