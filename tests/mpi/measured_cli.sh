#!/usr/bin/env bash
# End to end, training and prediction for measured spectra: `xasforge train --augment --calibrate`
# (augmented copies through the campaign's xftf, structure-grouped CV, temperature scaling) writes
# byte-identical model files without mpirun and under mpiexec -n 2; `predict` reads the XDAC and
# two-column layouts, takes --energy-column/--mu/--e0/--kmin/--kmax, prints the top two classes
# and the unsure flag, and names the file in its errors; the campaign train section's keys
# validate. Usage: measured_cli.sh XASFORGE WORKDIR SOURCE_DIR [SHARED]
set -euo pipefail
trap 'echo "measured_cli.sh: failed at line $LINENO: $BASH_COMMAND"' ERR
X=$1
W=$2
SRC=$3
SHARED=${4:-}
mkdir -p "$W"
/usr/bin/python3 - "$W/sim.h5" <<'PY'
import sys
import numpy as np
import h5py
# 30 "structures" of 4 sites each; CN 4 / 6 / 8 with their own first-shell distance; chi(k) of
# two shells on the campaign grid (k 0..20 step 0.05), NaN past k = 18 as where FEFF's grid ends.
rng = np.random.default_rng(11)
n_struct, per = 30, 4
k = np.arange(401) * 0.05
cns, chis, structure = [], [], []
for s in range(n_struct):
    for j in range(per):
        cn = [4, 6, 8][(s + j) % 3]
        r1 = {4: 1.95, 6: 2.10, 8: 2.45}[cn] + 0.03 * rng.standard_normal()
        s2 = 0.004 + 0.002 * rng.random()
        chi = cn * np.sin(2 * k * r1 + 0.5) * np.exp(-2 * s2 * k * k) / (np.maximum(k, 0.3) * r1 * r1) * 0.2
        chi += 3 * np.sin(2 * k * 3.2) * np.exp(-2 * 0.008 * k * k) / (np.maximum(k, 0.3) * 10.0) * 0.2
        chi[k > 18.0] = np.nan
        cns.append(cn); chis.append(chi); structure.append(s)
chis = np.array(chis)
r = np.arange(201) * 0.03
# |chi(R)| roughly as the xftf stage (hanning k 3-12, dk 1, k^2): only its shape matters here.
w = np.clip(np.minimum((k - 2.5) / 1.0, (12.5 - k) / 1.0), 0, 1)
w = np.sin(0.5 * np.pi * w) ** 2
x = np.nan_to_num(chis) * k * k * w
feat = np.abs(np.exp(2j * np.outer(r, k)) @ x.T).T * 0.05 / np.sqrt(np.pi)
config = """campaign: sim
seed: 5
structures: { paths: [structures/*.json] }
absorbers: { elements: [Fe], edge: K }
scattering: { rmax: 5.0, max_legs: 3 }
features: { k: [3, 12], dk: 1, kweight: 2, window: hanning, r: [0, 6], r_step: 0.03 }
labels: [cn]
"""
with h5py.File(sys.argv[1], "w") as f:
    g = f.create_group("campaign")
    g.attrs["config"] = np.bytes_(config)
    f["/spectra/k"] = k
    f["/spectra/chi"] = chis
    f["/features/r"] = r
    f["/features/chir_mag"] = feat
    f["/labels/cn"] = np.array(cns, dtype=np.int32)
    f["/items/status"] = np.ones(len(cns), dtype=np.int8)
    f["/items/structure"] = np.array(structure, dtype=np.int32)
    f["/items/Z"] = np.full(len(cns), 26, dtype=np.int32)
PY
args=(train "$W/sim.h5" --target cn --trees 15 --seed 3 --augment 2 --calibrate --metrics-json)
"$X" "${args[@]}" "$W/m1.json" -o "$W/m1.xfm" > "$W/train1.txt"
mpiexec -n 2 "$X" "${args[@]}" "$W/m2.json" -o "$W/m2.xfm" > "$W/train2.txt"
cmp "$W/m1.xfm" "$W/m2.xfm"
grep -q "^augment  copies=2" "$W/train1.txt"
grep -q "^groupcv  5-fold by structure: accuracy" "$W/train1.txt"
grep -q "^calib    temperature" "$W/train1.txt"
grep -q "^fit      360 rows (120 simulated + 240 augmented copies)" "$W/train1.txt"
/usr/bin/python3 - "$W/m1.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["group_cv"]["folds"] == 5 and m["group_cv"]["rows"] == 120, m["group_cv"]
c = m["calibration"]
assert c["temperature"] > 0 and 0 <= c["ece_after"] <= 1 and c["rows"] == 240, c
assert len(c["reliability"]) == 10
PY

# One grouped split: --cv 5 --cv-groups structure, its deprecated alias --group-cv 5 and the
# 5 folds --calibrate implies give the same model; without augmentation or calibration the
# grouped CV is scored by the grid search and reported in the same shape.
"$X" "${args[@]}" "$W/m3.json" -o "$W/m3.xfm" --cv 5 --cv-groups structure > /dev/null
"$X" "${args[@]}" "$W/m4.json" -o "$W/m4.xfm" --group-cv 5 > /dev/null 2> "$W/alias.err"
cmp "$W/m1.xfm" "$W/m3.xfm"
cmp "$W/m1.xfm" "$W/m4.xfm"
grep -q "deprecated; it means --cv K --cv-groups structure" "$W/alias.err"
"$X" train "$W/sim.h5" --target cn --trees 15 --seed 3 --group-cv 5 --metrics-json "$W/g.json" > "$W/g.txt" 2> /dev/null
grep -q "^groupcv  5-fold by structure: accuracy" "$W/g.txt"
/usr/bin/python3 - "$W/g.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["group_cv"]["folds"] == 5 and m["group_cv"]["rows"] == 120 and m["cv_grouped_by"] == "structure", m
assert sum(map(sum, m["cv_confusion"]["counts"])) == 120
PY

# A named feature set with augmentation and calibration: the copies are chi(k) put through the
# same feature set as the simulated rows (2 copies of 120 rows), the model is the same for 1 and
# 2 ranks, other augmentation ranges give other rows (so the copies are really recomputed), and
# predict applies the stored set: item 5's chi(k) as a k,chi CSV predicts as its row in the file.
fargs=(train "$W/sim.h5" --target cn --trees 15 --seed 3 --feature-set chir_mag:2,peaks:1 --augment 2 --calibrate)
"$X" "${fargs[@]}" --metrics-json "$W/f1.json" -o "$W/f1.xfm" > "$W/ftrain1.txt"
mpiexec -n 2 "$X" "${fargs[@]}" -o "$W/f2.xfm" > /dev/null
cmp "$W/f1.xfm" "$W/f2.xfm"
grep -q "^features chir_mag:2,peaks:1: 209 per spectrum" "$W/ftrain1.txt"  # 201 |chi(R)| + 4 peaks × 2
grep -q "^fit      360 rows (120 simulated + 240 augmented copies)" "$W/ftrain1.txt"
grep -q "^groupcv  5-fold by structure: accuracy" "$W/ftrain1.txt"
"$X" "${fargs[@]}" --augment-e0 2 -o "$W/f3.xfm" > /dev/null
if cmp -s "$W/f1.xfm" "$W/f3.xfm"; then echo "other augmentation ranges gave the same model"; exit 1; fi
/usr/bin/python3 - "$W/f1.json" "$W/sim.h5" "$W/item5.csv" <<'PY'
import json, sys
import h5py
m = json.load(open(sys.argv[1]))
assert m["group_cv"]["rows"] == 120 and m["calibration"]["rows"] == 240, m["group_cv"]
with h5py.File(sys.argv[2]) as f:
    k, chi = f["/spectra/k"][:], f["/spectra/chi"][5]
with open(sys.argv[3], "w") as out:
    out.write("k,chi\n")
    for a, b in zip(k, chi):
        out.write(f"{a!r},{b!r}\n")
PY
"$X" predict "$W/f1.xfm" "$W/sim.h5" "$W/item5.csv" --probabilities --quiet > "$W/fp.csv"
h5=$(grep "sim.h5,5,5," "$W/fp.csv" | cut -d, -f4-)
csvp=$(grep "item5.csv,0,-1," "$W/fp.csv" | cut -d, -f4-)
[ -n "$h5" ] && [ "$h5" = "$csvp" ] || { echo "feature-set predictions differ: h5 '$h5' csv '$csvp'"; exit 1; }

L=$SRC/tests/reference/xafs/layouts
"$X" predict "$W/m1.xfm" "$L/fe_foil_xdac.060" "$L/cu_foil_two_column.txt" --probabilities -o "$W/p.csv" 2> "$W/p.err"
[ "$(head -1 "$W/p.csv")" == "input,row,item,prediction,p_4,p_6,p_8,p_top,second,p_second,unsure" ]
[ "$(wc -l < "$W/p.csv")" -eq 3 ]
grep -q "fe_foil_xdac.060: energy energy, mu ln(i0/it), E0 7110.70 eV" "$W/p.err"
grep -q "cu_foil_two_column.txt: energy col1, mu col2" "$W/p.err"
grep -q "probabilities calibrated (temperature" "$W/p.err"
# The reading options give the same answer as the labels, and --e0/--kmin/--kmax are used.
"$X" predict "$W/m1.xfm" "$L/fe_foil_xdac.060" --energy-column col1 --mu 'ln(col2/col3)' --quiet > "$W/q.csv"
[ "$(tail -1 "$W/q.csv" | cut -d, -f4-)" == "$(sed -n 2p "$W/p.csv" | cut -d, -f4,8-)" ]
# (stderr to a file first: grep -q in a pipe may close it early and fail the writer under pipefail)
"$X" predict "$W/m1.xfm" "$L/fe_foil_xdac.060" --e0 7112 --kmin 2.5 --kmax 10 2> "$W/e0.err" > /dev/null
grep -q "E0 7112.00 eV.*FT k 2.5-10.0" "$W/e0.err"
expect_error() {  # expect_error "message fragment" command...
  local msg=$1
  shift
  if "$@" > "$W/err.txt" 2>&1; then
    echo "expected failure: $*"
    exit 1
  fi
  grep -q -- "$msg" "$W/err.txt" || { echo "missing '$msg' in:"; cat "$W/err.txt"; exit 1; }
}
expect_error "fe_foil_xdac.060" "$X" predict "$W/m1.xfm" "$L/fe_foil_xdac.060" --mu 'ln(col9)'
expect_error "three_unnamed_columns.dat:3-42: no mu column" "$X" predict "$W/m1.xfm" "$SRC/tests/reference/xafs/bad/three_unnamed_columns.dat"
expect_error "--kmin must be below --kmax" "$X" predict "$W/m1.xfm" "$L/fe_foil_xdac.060" --kmin 9 --kmax 4
expect_error "augmentation s02" "$X" train "$W/sim.h5" --augment 1 --augment-s02 1.5 0.5 -o "$W/bad.xfm"
expect_error "--group-cv 4 and --cv 5 disagree" "$X" train "$W/sim.h5" --group-cv 4 --cv 5
if [ -n "$SHARED" ] && [ -f "$SHARED/data/experimental/APS10BM_2019.dat" ]; then
  # The MnO2 MRCAT file is read without column options.
  "$X" predict "$W/m1.xfm" "$SHARED/data/experimental/APS10BM_2019.dat" 2> "$W/mno2.err" > /dev/null
  grep -q "mu ln(io/it)" "$W/mno2.err"
fi

# The campaign's train section takes the same settings.
cat > "$W/c.yaml" <<'YAML'
campaign: c
structures: { paths: [s/*.json] }
absorbers: { elements: [Fe] }
labels: [cn]
train:
  trees: 10
  augment: { copies: 3, s02: [0.75, 1.0], e0_shift: 4, sigma2: [-0.001, 0.003], noise: [0.0005, 0.002], kmax: [10, 13] }
  calibrate: true
  group_cv: 4
  unsure_below: 0.6
YAML
mkdir -p "$W/s" && cp "$SRC/examples/structures/mp-2133.json" "$W/s/"
"$X" validate "$W/c.yaml" > /dev/null
sed -i 's/copies: 3/copies: -1/' "$W/c.yaml"
expect_error "train.augment.copies" "$X" validate "$W/c.yaml"
echo PASS
