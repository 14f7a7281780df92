#!/usr/bin/env bash
# F_eff and whole-spectrum speed: xasforge vs FEFF 8.5L on the fixture cases of
# tests/reference/scattering, measured in the same run on the same machine.
#
# 1. F_eff per path: FEFF's rdinp/pot/xsph/pathfinder run once per case in a scratch folder (not
#    timed); then `feff8l_genfmt` is timed: CPU user+sys of $NLOOP back-to-back runs, best of
#    $NREP, divided by NLOOP ("whole run") and by the paths in paths.dat; it is also run on a
#    paths.dat cut to its first path, which gives genfmt's fixed cost (start, phase.pad) and its
#    marginal cost per path = (T_N − T_1)/(N − 1). xasforge's RehrAlbersCalculator is timed in
#    process (CPU, std::clock) on the same phaseNN.dat and paths.dat through the hidden Catch case
#    "[.bench_feff]" of test_feff: "cold" = one pass with a fresh calculator (what one spectrum
#    costs; min and median over the repetitions), "setup" = its constructor, "warm" = a repeated
#    pass (vertex/leg caches full). Ratios: whole = genfmt whole run / (setup + cold pass), both
#    per path; marginal = genfmt marginal per path / our cold per path; warm = genfmt marginal /
#    our warm per path.
# 2. Whole spectrum: `feff8l` module by module (CPU user+sys of each) vs `xasforge spectrum` on the
#    same atoms written as a structure file (cluster in a 60 Å box) (stage times from --timing, wall; total CPU incl. the
#    FEFF child processes that compute the potentials).
# 3. Native provider (core/scattering/native, docs/scattering_native.md): per stage in process
#    (hidden Catch case "[.bench_native]" of test_native: atoms, potential, phase shifts cold =
#    fresh provider, warm = atoms and self-energy table cached; paths, F_eff, σ², sum), and the
#    whole `xasforge spectrum --phases native` process (CPU, cold: every atom solved) against the
#    feff8l module total of section 2, in the same run. Warm whole = warm potential + phases + paths
#    + F_eff + σ² + sum.
# Usage: benchmarks/scattering_vs_feff.sh [build-dir]   (needs targets test_feff, test_native and xasforge)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
bench="$build/tests/core/scattering/test_feff"
bench_native="$build/tests/core/scattering/test_native"
xas="$build/workflows/xasforge"
for f in "$bench" "$bench_native" "$xas"; do
  [ -x "$f" ] || { echo "build first: cmake --build $build --target test_feff test_native xasforge" >&2; exit 1; }
done
declare -A feff_total
cases="${CASES:-cu_fcc fe_bcc nio zno cuo cu_disordered256}"
nrep=${NREP:-3}
nloop=${NLOOP:-10}
scratch="$(mktemp -d -t xasforge-bench-feff-XXXXXX)"
trap 'rm -rf "$scratch"' EXIT

cpu_of() {  # CPU seconds (user+sys) of one run of a command in folder $1: $2 runs back to back, best of $nrep
  local d=$1 loops=$2; shift 2
  local best=""
  for ((i = 0; i < nrep; i++)); do
    local t
    (cd "$d" && /usr/bin/time -o "$scratch/time.txt" -f "%U %S" \
       bash -c 'n=$1; shift; for ((j = 0; j < n; j++)); do "$@" >/dev/null 2>&1; done' _ "$loops" "$@")
    t=$(tail -1 "$scratch/time.txt" | awk -v n="$loops" '{print ($1 + $2) / n}')
    best=$(awk -v a="$t" -v b="${best:-1e9}" 'BEGIN{print (a < b) ? a : b}')
  done
  echo "$best"
}

echo "== F_eff per path (CPU): xasforge RehrAlbersCalculator vs feff8l_genfmt, same phase shifts and paths"
declare -A genfmt_us genfmt_marg_us genfmt_fixed_ms npaths
dirs=""
for c in $cases; do
  d="$scratch/$c"; mkdir -p "$d"; cp "$root/tests/reference/scattering/$c/feff.inp" "$d/"
  (cd "$d" && feff8l_rdinp >/dev/null 2>&1 && feff8l_pot >/dev/null 2>&1 && feff8l_xsph >/dev/null 2>&1 \
     && feff8l_pathfinder >/dev/null 2>&1)
  n=$(grep -c "index, nleg, degeneracy" "$d/paths.dat")
  npaths[$c]=$n
  t=$(cpu_of "$d" "$nloop" feff8l_genfmt)
  genfmt_us[$c]=$(awk -v t="$t" -v n="$n" 'BEGIN{printf "%.1f", 1e6 * t / n}')
  # the same run with the first path only: genfmt's fixed cost, and its marginal cost per path
  d1="$scratch/one_$c"; mkdir -p "$d1"; cp "$d"/*.pad "$d"/*.json "$d"/*.dat "$d"/feff.inp "$d1/" 2>/dev/null || true
  awk '/index, nleg, degeneracy/ { if (++np == 2) exit } { print }' "$d/paths.dat" > "$d1/paths.dat"
  t1=$(cpu_of "$d1" "$nloop" feff8l_genfmt)
  genfmt_fixed_ms[$c]=$(awk -v t="$t1" 'BEGIN{printf "%.1f", 1e3 * t}')
  genfmt_marg_us[$c]=$(awk -v t="$t" -v t1="$t1" -v n="$n" 'BEGIN{printf "%.1f", 1e6 * (t - t1) / (n - 1)}')
  dirs="$dirs $d"
done
out=$(XASFORGE_BENCH_DIRS="$dirs" "$bench" "[.bench_feff]" | grep '^BENCH')
printf '%-17s %5s | %8s %8s %8s | %7s %7s %7s %7s | %7s %7s %7s\n' case paths "gf run" "gf fix" "gf marg" \
  setup cold "cold md" warm "whole" "marg" "warm"
printf '%-17s %5s | %8s %8s %8s | %7s %7s %7s %7s | %7s %7s %7s\n' "" "" "us/path" "ms" "us/path" us "us/path" \
  "us/path" "us/path" ratio ratio ratio
while read -r _ name paths cold warm _ cmed _ setup; do
  n=${paths#paths=}; cold=${cold#cold_us=}; warm=${warm#warm_us=}; cmed=${cmed#cold_median_us=}; setup=${setup#setup_us=}
  g=${genfmt_us[$name]}; gm=${genfmt_marg_us[$name]}; gf=${genfmt_fixed_ms[$name]}
  printf '%-17s %5s | %8s %8s %8s | %7s %7s %7s %7s | %7s %7s %7s\n' "$name" "$n" "$g" "$gf" "$gm" "$setup" "$cold" "$cmed" "$warm" \
    "$(awk -v a="$g" -v c="$cold" -v s="$setup" -v n="$n" 'BEGIN{printf "%.0fx", a / (c + s / n)}')" \
    "$(awk -v a="$gm" -v b="$cold" 'BEGIN{printf "%.0fx", a/b}')" "$(awk -v a="$gm" -v b="$warm" 'BEGIN{printf "%.0fx", a/b}')"
done <<< "$out"
echo "(gf run: genfmt CPU per run / paths (best of $nrep x $nloop runs, incl. start, reading phase.pad, writing feff.pad);"
echo " gf fix: CPU of a run on the first path only; gf marg: (run - fix) / (paths - 1);"
echo " cold: min over repetitions, cold md: median; whole = gf run / (cold + setup/paths); marg = gf marg / cold;"
echo " warm = gf marg / warm)"

echo
echo "== Whole spectrum per structure: feff8l module by module vs xasforge spectrum (same atoms)"
printf '%-18s %-52s %-56s %7s %22s\n' case "FEFF CPU s: rdinp pot xsph pathfinder genfmt ff2x = total" \
  "xasforge s: phases paths F_eff sigma2 sum (CPU total)" ratio "after potentials: ratio"
for c in $cases; do
  d="$scratch/$c"
  fe=""; tot=0; rest=0
  for m in feff8l_rdinp feff8l_pot feff8l_xsph feff8l_pathfinder feff8l_genfmt feff8l_ff2x; do
    case $m in feff8l_pot|feff8l_xsph) loops=1 ;; *) loops=$nloop ;; esac
    t=$(cpu_of "$d" "$loops" "$m"); fe="$fe $t"; tot=$(awk -v a="$tot" -v b="$t" 'BEGIN{print a + b}')
    case $m in feff8l_pathfinder|feff8l_genfmt|feff8l_ff2x) rest=$(awk -v a="$rest" -v b="$t" 'BEGIN{print a + b}') ;; esac
  done
  # The same atoms as a structure file; settings from feff.inp (RPATH, NLEG, DEBYE or SIG2).
  /usr/bin/python3 - "$d/feff.inp" "$d/cluster.json" "$d/args" <<'PY'
import sys
inp, xyz, argf = sys.argv[1:4]
sym = {8: "O", 26: "Fe", 28: "Ni", 29: "Cu", 30: "Zn"}
pots, atoms, cards, mode = {}, [], {}, None
for line in open(inp):
    w = line.split()
    if not w or w[0].startswith("*"):
        continue
    if w[0] in ("POTENTIALS", "ATOMS"):
        mode = w[0]; continue
    if w[0] == "END":
        break
    if mode == "POTENTIALS" and w[0].isdigit():
        pots[int(w[0])] = int(w[1]); continue
    if mode == "ATOMS":
        atoms.append((float(w[0]), float(w[1]), float(w[2]), int(w[3]))); continue
    cards[w[0]] = w[1:]
# MP JSON (pymatgen Structure.as_dict) with the cluster in a 60 Å box: periodic images are
# 60 Å away, far outside the 7 Å cluster radius, so the atoms seen are exactly feff.inp's.
import json
box = 60.0
sites = [{"species": [{"element": sym[pots[ip]], "occu": 1}],
          "abc": [(x + box / 2) / box, (y + box / 2) / box, (z + box / 2) / box],
          "xyz": [x + box / 2, y + box / 2, z + box / 2], "label": sym[pots[ip]], "properties": {}}
         for x, y, z, ip in atoms]
doc = {"@module": "pymatgen.core.structure", "@class": "Structure", "charge": 0,
       "lattice": {"matrix": [[box, 0, 0], [0, box, 0], [0, 0, box]], "pbc": [True, True, True]},
       "sites": sites}
json.dump(doc, open(xyz, "w"))
args = ["--site", "0", "--rmax", cards["RPATH"][0], "--max-legs", cards["NLEG"][0], "--cluster-radius", "7.0"]
if "DEBYE" in cards:
    args += ["--sigma2-model", "correlated-debye", "--temperature", cards["DEBYE"][0], "--debye-temperature", cards["DEBYE"][1]]
else:
    args += ["--sigma2-model", "none"]
open(argf, "w").write(" ".join(args))
PY
  best_cpu=1e9; stages=""
  for ((i = 0; i < nrep; i++)); do
    res=$(/usr/bin/time -o "$scratch/time.txt" -f "CPU %U %S" "$xas" spectrum "$d/cluster.json" $(cat "$d/args") \
            -o "$d/chi.csv" --timing 2>&1 >/dev/null)
    cpu=$(awk '/^CPU/{print $2 + $3}' "$scratch/time.txt")
    if awk -v a="$cpu" -v b="$best_cpu" 'BEGIN{exit !(a < b)}'; then
      best_cpu=$cpu
      stages=$(echo "$res" | awk '/^timing/{printf "%s %s %s %s %s", $10, $12, $14, $16, $18}')
      ours_rest=$(echo "$res" | awk '/^timing/{printf "%.4f", $12 + $14 + $16 + $18}')
    fi
  done
  feff_total[$c]=$tot
  printf '%-18s %-52s %-56s %7s %22s\n' "$c" "$fe = $tot" "$stages ($best_cpu)" \
    "$(awk -v a="$tot" -v b="$best_cpu" 'BEGIN{printf "%.1fx", a/b}')" \
    "$(awk -v a="$rest" -v b="$ours_rest" 'BEGIN{printf "%.3f/%.4f s = %.0fx", a, b, a/b}')"
done
echo "(FEFF: CPU user+sys per module, best of $nrep (pot, xsph) or of $nrep x $nloop back-to-back runs (others); xasforge: stage times of the best run (phases wall, others CPU)"
echo " and its total CPU"
echo " incl. the FEFF rdinp/pot/xsph child processes that compute the potentials; ratio = CPU totals;"
echo " after potentials = FEFF pathfinder+genfmt+ff2x CPU vs xasforge paths+F_eff+sigma2+sum)"

echo
echo "== Native provider: stages in process (CPU s) and whole spectrum vs feff8l (same run)"
nout=$(XASFORGE_BENCH_DIRS="$dirs" "$bench_native" "[.bench_native]" | grep '^BENCH')
printf '%-17s | %6s %6s %6s | %6s %6s | %6s %6s %6s %6s | %7s %7s | %8s %7s %7s\n' case atoms pot phases pot_w ph_w paths F_eff \
  sigma2 sum "warm" "xas cold" "feff8l" "warm x" "cold x"
while read -r _ name atoms potc phc potw phw paths feffs sig sum; do
  v() { echo "${1#*=}"; }
  warm=$(awk -v a="$(v "$potw")" -v b="$(v "$phw")" -v c="$(v "$paths")" -v d="$(v "$feffs")" -v e="$(v "$sig")" -v f="$(v "$sum")" \
         'BEGIN{printf "%.4f", a + b + c + d + e + f}')
  d="$scratch/$name"
  best=1e9
  for ((i = 0; i < nrep; i++)); do
    /usr/bin/time -o "$scratch/time.txt" -f "CPU %U %S" "$xas" spectrum "$d/cluster.json" $(cat "$d/args") \
      --phases native -o "$d/chi_native.csv" >/dev/null 2>&1
    cpu=$(awk '/^CPU/{print $2 + $3}' "$scratch/time.txt")
    best=$(awk -v a="$cpu" -v b="$best" 'BEGIN{print (a < b) ? a : b}')
  done
  ft=${feff_total[$name]}
  printf '%-17s | %6s %6s %6s | %6s %6s | %6s %6s %6s %6s | %7s %7s | %8s %7s %7s\n' "$name" "$(v "$atoms")" "$(v "$potc")" \
    "$(v "$phc")" "$(v "$potw")" "$(v "$phw")" "$(v "$paths")" "$(v "$feffs")" "$(v "$sig")" "$(v "$sum")" "$warm" "$best" "$ft" \
    "$(awk -v a="$ft" -v b="$warm" 'BEGIN{printf "%.1fx", a/b}')" "$(awk -v a="$ft" -v b="$best" 'BEGIN{printf "%.1fx", a/b}')"
done <<< "$nout"
echo "(atoms/pot/phases: first absorber, fresh provider; pot_w/ph_w: again with atoms and the self-energy table cached;"
echo " warm = pot_w + ph_w + paths + F_eff + sigma2 + sum; xas cold = CPU of a whole 'xasforge spectrum --phases native'"
echo " process, best of $nrep; feff8l = the module total of section 2; warm x / cold x = feff8l / warm, feff8l / xas cold)"
