#!/usr/bin/env bash
# End-to-end: `xasforge train` without mpirun and under mpiexec -n 2 / -n 3 writes byte-identical
# model files; `xasforge predict` gives identical output for 1 and 2 ranks; bad inputs fail with
# a clear message and a non-zero exit; a measured spectrum (SHARED/data/experimental, when
# present) is reduced and classified. Usage: ml_cli_ranks.sh XASFORGE WORKDIR [SHARED]
set -euo pipefail
X=$1
W=$2
SHARED=${3:-}
mkdir -p "$W"
/usr/bin/python3 - "$W/small.h5" <<'PY'
import sys
import numpy as np
import h5py
rng = np.random.default_rng(5)
n, p = 300, 12
x = rng.random((n, p))
s = x[:, 0] + x[:, 1]
cn = np.where(s < 0.8, 4, np.where(s < 1.3, 6, 8)).astype(np.int32)
with h5py.File(sys.argv[1], "w") as f:
    f["/features/chir_mag"] = x
    f["/features/r"] = np.linspace(0.0, 6.0, p)
    f["/labels/cn"] = cn
    f["/items/status"] = np.ones(n, dtype=np.int8)
    f["/items/split"] = (np.arange(n) % 4 == 3).astype(np.int8)
    f["/items/Z"] = np.where(np.arange(n) % 2 == 0, 26, 27).astype(np.int32)
    # A forward (descriptor -> chi(k)) regression: chi on a k grid of 0.5 steps.
    k = np.arange(0.0, 10.01, 0.5)
    f["/spectra/k"] = k
    f["/spectra/chi"] = np.sin(2.0 * np.outer(1.0 + x[:, 2], k)) * np.exp(-0.01 * k * k) / np.maximum(k, 1.0)
    g = f.create_group("bad")
    g["chir_mag"] = x[:-1]
np.savetxt(sys.argv[1].replace(".h5", ".csv"), x[:5], delimiter=",")
# |chi(R)|-shaped rows on Larch's 326-point R grid (R_j = j*pi/102.4), for measured spectra.
r = np.arange(326) * np.pi / 102.4
xr = rng.random((60, 326))
with h5py.File(sys.argv[1].replace(".h5", "_larch_grid.h5"), "w") as f:
    f["/features/chir_mag"] = xr
    f["/features/r"] = r
    f["/labels/cn"] = np.where(np.arange(60) % 2 == 0, 6, 12).astype(np.int32)
PY
args=(train "$W/small.h5" --target cn --trees 17 --cv 3 --seed 7)
"$X" "${args[@]}" -o "$W/m1.xfm" > "$W/train1.txt"
mpiexec -n 2 "$X" "${args[@]}" -o "$W/m2.xfm" > "$W/train2.txt"
mpiexec -n 3 "$X" "${args[@]}" -o "$W/m3.xfm" > "$W/train3.txt"
cmp "$W/m1.xfm" "$W/m2.xfm"
cmp "$W/m1.xfm" "$W/m3.xfm"
grep -q "test     accuracy" "$W/train1.txt"
"$X" predict "$W/m1.xfm" "$W/small.h5" "$W/small.csv" --probabilities > "$W/p1.csv"
mpiexec -n 2 "$X" predict "$W/m1.xfm" "$W/small.h5" "$W/small.csv" --probabilities > "$W/p2.csv"
cmp "$W/p1.csv" "$W/p2.csv"
[ "$(wc -l < "$W/p1.csv")" -eq 306 ]  # header + 300 items + 5 CSV rows
# Forward model on k 3-9 with k^2 weight: 13 outputs; held-out predictions written with their k.
"$X" train "$W/small.h5" --target chi --target-range 3 9 --target-kweight 2 --trees 9 --seed 3 \
  -o "$W/fwd.xfm" --predictions "$W/fwd_pred.csv" > "$W/fwd.txt"
grep -q "test     R² .* (uniform average over 13 outputs)" "$W/fwd.txt"
[ "$(grep -c '^[0-9]' "$W/fwd_pred.csv")" -eq $((75 * 13)) ]  # 75 split-test items x 13 k points
grep -q "^item,x,true,predicted$" "$W/fwd_pred.csv"
awk -F, '/^[0-9]/ && ($2 < 3 || $2 > 9) { bad = 1 } END { exit bad }' "$W/fwd_pred.csv"
expect_error() {  # expect_error "message fragment" command...
  local want=$1; shift
  if "$@" > "$W/err.txt" 2>&1; then echo "expected failure: $*"; exit 1; fi
  grep -q "$want" "$W/err.txt" || { echo "missing '$want' in:"; cat "$W/err.txt"; exit 1; }
}
expect_error "/labels/rdf is missing" "$X" train "$W/small.h5" --target rdf
expect_error "/labels/cn has 300 rows but /bad/chir_mag has 299" "$X" train "$W/small.h5" --features /bad/chir_mag
expect_error "not an xasforge model file" "$X" predict "$W/small.csv" "$W/small.h5"
expect_error "measured.xdi" "$X" predict "$W/m1.xfm" "$W/measured.xdi"
expect_error "no target grid point lies in" "$X" train "$W/small.h5" --target chi --target-range 11 12
expect_error "has no grid to restrict" "$X" train "$W/small.h5" --target cn --target-range 3 9
if [ -n "$SHARED" ] && [ -f "$SHARED/data/experimental/Fe_Foil_rt_2016Foils.xdi" ]; then
  "$X" train "$W/small_larch_grid.h5" --trees 5 -o "$W/larch.xfm" > /dev/null
  "$X" predict "$W/larch.xfm" "$SHARED/data/experimental/Fe_Foil_rt_2016Foils.xdi" > "$W/measured.csv"
  grep -Eq "Fe_Foil_rt_2016Foils.xdi,0,-1,(6|12)," "$W/measured.csv"  # then p_top, second, p_second, unsure
  # A 12-point grid over 0-6 A: |chi(R)| is interpolated onto it.
  "$X" predict "$W/m1.xfm" "$SHARED/data/experimental/Fe_Foil_rt_2016Foils.xdi" | grep -Eq "xdi,0,-1,(4|6|8),"
fi
echo "ml CLI: identical models for 1, 2, 3 ranks; identical predictions for 1, 2 ranks; errors clear"
