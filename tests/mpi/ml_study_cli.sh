#!/usr/bin/env bash
# End-to-end for the study additions (issue 16): `xasforge train --model gradient_boosting
# --feature-set ...` writes byte-identical model files without mpirun and under mpiexec -n 2 / -n 3;
# structure-grouped CV writes out-of-fold predictions whose groups never straddle folds; a seeded
# TPE search writes the same history and model for 1, 2 and 3 ranks;
# `predict` recomputes the feature set identically from a results file, a FEFF-style chi.dat and
# a `k,chi` CSV of the same chi(k), and reduces a measured spectrum (SHARED/data/experimental,
# when present). Usage: ml_study_cli.sh XASFORGE WORKDIR [SHARED]
set -euo pipefail
X=$1
W=$2
SHARED=${3:-}
mkdir -p "$W"
/usr/bin/python3 - "$W" <<'PY'
import sys
import numpy as np
import h5py
w = sys.argv[1]
rng = np.random.default_rng(16)
n = 150
k = np.round(np.arange(0.0, 16.0001, 0.05), 10)
cn = rng.choice([4, 6, 8], size=n).astype(np.int32)
r1 = 1.9 + 0.3 * rng.random(n)
chi = np.empty((n, k.size))
ks = np.maximum(k, 0.05)
for i in range(n):
    chi[i] = cn[i] * np.sin(2 * ks * r1[i] + 0.3) / (ks * r1[i] ** 2) * np.exp(-2 * 0.004 * ks ** 2) \
        + 0.3 * np.sin(2 * ks * 3.3) / ks * np.exp(-2 * 0.008 * ks ** 2)
chi[:, 0] = 0.0
chi[::7, 300:] = np.nan  # some spectra end early (phase-shift grid), as campaign rows may
with h5py.File(f"{w}/study.h5", "w") as f:
    f["/spectra/k"] = k
    f["/spectra/chi"] = chi
    f["/labels/cn"] = cn
    f["/items/status"] = np.ones(n, dtype=np.int8)
    f["/items/structure"] = (np.arange(n) // 3).astype(np.int32)  # 50 structures of 3 sites
    f["/items/z"] = np.where(np.arange(n) % 2 == 0, 26, 27).astype(np.int32)
# Row 1 as a FEFF-style chi.dat (k, chi, mag, phase) and as a k,chi CSV.
with open(f"{w}/row1_chi.dat", "w") as f:
    f.write("# FEFF-like header\n#  k   chi   mag   phase @#\n")
    for q, c in zip(k, chi[1]):
        f.write(f"{q:10.4f} {c:.17g} {abs(c):.6e} 0.0\n")
with open(f"{w}/row1.csv", "w") as f:
    f.write("k,chi\n")
    for q, c in zip(k, chi[1]):
        f.write(f"{q!r},{c!r}\n")
with h5py.File(f"{w}/nogroups.h5", "w") as f:
    f["/spectra/k"] = k
    f["/spectra/chi"] = chi
    f["/labels/cn"] = cn
with open(f"{w}/broken.csv", "w") as f:
    f.write("k,chi\n0,0\n0.05,0.1\n0.1,oops\n0.15,0.2\n")
PY
args=(train "$W/study.h5" --model gradient_boosting --rounds 8 --max-leaves 6 --leaf-rows 5
      --feature-set chir_mag:2,chir_re:1,peaks:3,chik --class-weight balanced --seed 4
      --cv 5 --cv-groups structure)
"$X" "${args[@]}" -o "$W/g1.xfm" --cv-predictions "$W/oof1.csv" > "$W/t1.txt"
mpiexec -n 2 "$X" "${args[@]}" -o "$W/g2.xfm" --cv-predictions "$W/oof2.csv" > "$W/t2.txt"
mpiexec -n 3 "$X" "${args[@]}" -o "$W/g3.xfm" > "$W/t3.txt"
cmp "$W/g1.xfm" "$W/g2.xfm"
cmp "$W/g1.xfm" "$W/g3.xfm"
cmp "$W/oof1.csv" "$W/oof2.csv"
grep -q "features chir_mag:2,chir_re:1,peaks:3,chik: 501 per spectrum" "$W/t1.txt"  # 201 + 201 + 4·2 + 91
# Every structure (group) lies in one fold; every item appears once.
/usr/bin/python3 - "$W/oof1.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 150, len(rows)
fold = {}
for r in rows:
    assert fold.setdefault(r["group"], r["fold"]) == r["fold"], r
assert len({r["item"] for r in rows}) == 150
acc = sum(r["true"] == r["predicted"] for r in rows) / 150
assert acc > 0.6, acc  # CN sets the first-shell amplitude: easy for 8 rounds of boosting
PY
# Seeded TPE search over ranks: the same history (and model) for 1, 2 and 3 ranks.
sargs=(train "$W/study.h5" --model gradient_boosting --rounds 4 --feature-set chir_mag:2 --cv 3 --cv-groups structure
       --search "shrinkage_unused=0:1" --trials 6 --seed 2)
expect_error() {  # expect_error "message fragment" command...
  local want=$1; shift
  if "$@" > "$W/err.txt" 2>&1; then echo "expected failure: $*"; exit 1; fi
  grep -q "$want" "$W/err.txt" || { echo "missing '$want' in:"; cat "$W/err.txt"; exit 1; }
}
expect_error "unknown key 'shrinkage_unused'" "$X" "${sargs[@]}"
sargs=(train "$W/study.h5" --model gradient_boosting --rounds 4 --feature-set chir_mag:2 --cv 3 --cv-groups structure
       --search "learning_rate=log:0.05:0.5;max_leaves=int:2:8" --trials 6 --search-batch 3 --search-startup 3 --seed 2)
"$X" "${sargs[@]}" --search-history "$W/h1.csv" -o "$W/s1.xfm" > "$W/s1.txt"
mpiexec -n 2 "$X" "${sargs[@]}" --search-history "$W/h2.csv" -o "$W/s2.xfm" > /dev/null
mpiexec -n 3 "$X" "${sargs[@]}" --search-history "$W/h3.json" -o "$W/s3.xfm" > /dev/null
cmp "$W/h1.csv" "$W/h2.csv"
cmp "$W/s1.xfm" "$W/s2.xfm"
cmp "$W/s1.xfm" "$W/s3.xfm"
[ "$(grep -c '^[0-9]' "$W/h1.csv")" -eq 6 ]
grep -q '"trial": 5' "$W/h3.json"
grep -q "search   TPE, 6 trials in batches of 3: best" "$W/s1.txt"
"$X" predict "$W/g1.xfm" "$W/study.h5" "$W/row1_chi.dat" "$W/row1.csv" --probabilities > "$W/p.csv"
[ "$(wc -l < "$W/p.csv")" -eq 153 ]
h5=$(grep "^$W/study.h5,1,1," "$W/p.csv" | cut -d, -f4-)
dat=$(grep "row1_chi.dat,0,-1," "$W/p.csv" | cut -d, -f4-)
csvp=$(grep "row1.csv,0,-1," "$W/p.csv" | cut -d, -f4-)
[ -n "$h5" ] && [ "$h5" = "$dat" ] && [ "$h5" = "$csvp" ] || { echo "predictions differ: h5 '$h5' dat '$dat' csv '$csvp'"; exit 1; }
expect_error "broken.csv:4: expected two numbers k, chi" "$X" predict "$W/g1.xfm" "$W/broken.csv"
expect_error "unknown block 'fft'" "$X" train "$W/study.h5" --feature-set chir_mag,fft
expect_error "no /items/structure dataset" "$X" train "$W/nogroups.h5" --feature-set chir_mag --cv 2 --cv-groups structure
if [ -n "$SHARED" ] && [ -f "$SHARED/data/experimental/Fe_Foil_rt_2016Foils.xdi" ]; then
  "$X" predict "$W/g1.xfm" "$SHARED/data/experimental/Fe_Foil_rt_2016Foils.xdi" | grep -Eq "xdi,0,-1,(4|6|8),"
fi
echo "study CLI: identical boosted models for 1, 2, 3 ranks; grouped folds; same features from h5, chi.dat, CSV"
