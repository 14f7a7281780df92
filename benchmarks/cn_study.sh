#!/usr/bin/env bash
# The coordination-number study (issue 16), end to end, from scratch:
#   1. writes OUT/campaign.yaml (every 3d-metal absorber site of the bundled structures, K edge,
#      FEFF 8.5L phases, paths to 6 Å with up to 4 legs, correlated Debye 300 K / Θ_D 350 K,
#      chi(k) kept in the results file, CrystalNN labels) and runs it under mpirun -n RANKS;
#   2. pooled models, 5-fold CV with folds grouped by structure (all sites of a structure in one
#      fold) and stratified by CN, out-of-fold predictions kept:
#        rf_chir_mag  random forest on the campaign's |chi(R)| (the published baseline)
#        rf_set       random forest on the study feature set SET (computed from chi(k))
#        gb_set       gradient-boosted trees on SET
#      plus scikit-learn's RandomForest on exactly the same feature rows and folds (exported by
#      `xasforge train --export-features`), and gb_set with plain stratified folds for comparison;
#   3. per-element gradient-boosted models (elements with >= MIN_ELEMENT_SITES sites);
#   4. a learning curve (structure fractions CURVE) of the best pooled configuration;
#   5. the final pooled model of the best configuration on every site: OUT/cn_model.xfm;
#   6. the summary (benchmarks/ml_cn_study_report.py): accuracy, macro-F1, ±1, per element,
#      confusion, importance against R, learning curve; OUT/SUMMARY.json.
# Environment: XASFORGE, RANKS (2), OUT (results/cn_study), STRUCTURES (../shared/data/structures),
#   MAX_STRUCTURES (0 = all; a smaller number takes the first N files, for a quick check),
#   RESULTS (an existing results file of the same settings: skips step 1; for experiments only),
#   SET, TREES (500), ROUNDS (300), SEED (1), CURVE ("0.25 0.5"), MIN_ELEMENT_SITES (40).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
XASFORGE=${XASFORGE:-$root/build/workflows/xasforge}
RANKS=${RANKS:-2}
OUT=${OUT:-$root/results/cn_study}
STRUCTURES=${STRUCTURES:-$root/../shared/data/structures}
MAX_STRUCTURES=${MAX_STRUCTURES:-0}
RESULTS=${RESULTS:-}
SET=${SET:-chir_mag:1,chir_mag:2,chir_mag:3,chir_re:2,chir_im:2,peaks:2}
TREES=${TREES:-500}
ROUNDS=${ROUNDS:-300}
SEED=${SEED:-1}
CURVE=${CURVE:-0.25 0.5}
MIN_ELEMENT_SITES=${MIN_ELEMENT_SITES:-40}
PY=/usr/bin/python3
[ -x "$XASFORGE" ] || { echo "build xasforge first: scripts/build.sh build RelWithDebInfo xasforge" >&2; exit 1; }
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/local_mpi_env.sh"  # one machine, loopback MPI
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
STRUCTURES=$(cd "$STRUCTURES" && pwd)
start=$(date +%s)
stamp() { echo "[$(( $(date +%s) - start )) s] $*"; }
echo "machine: $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- 1. campaign ---------------------------------------------------------------------------
glob="$STRUCTURES/*.json"
if [ "$MAX_STRUCTURES" -gt 0 ]; then
  mkdir -p "$OUT/structures"
  rm -f "$OUT"/structures/*.json
  ls "$STRUCTURES"/*.json | sort | head -n "$MAX_STRUCTURES" | while read -r f; do ln -s "$f" "$OUT/structures/"; done
  glob="$OUT/structures/*.json"
fi
cat > "$OUT/campaign.yaml" <<YAML
# Written by benchmarks/cn_study.sh: the coordination-number study's campaign.
campaign: cn_study
seed: 2026
structures:
  paths: $glob
  max_sites: 200
absorbers:
  elements: [Sc, Ti, V, Cr, Mn, Fe, Co, Ni, Cu, Zn]
  edge: K
scattering:
  rmax: 6.0
  max_legs: 4
  cluster_radius: 8.0
  debye_waller: { model: correlated_debye, temperature: 300, debye_temperature: 350 }
features: { k: [3, 12], dk: 1, kweight: 2, window: hanning, r: [0, 6], r_step: 0.03 }
labels: [cn]
output:
  file: $OUT/campaign.h5
  checkpoint_every: 60s
scheduler:
  item_time_limit: 120s
YAML
if [ -z "$RESULTS" ]; then
  stamp "campaign: $OUT/campaign.yaml on $RANKS ranks"
  rm -f "$OUT/campaign.h5"
  mpirun -n "$RANKS" "$XASFORGE" run "$OUT/campaign.yaml" > "$OUT/campaign.log" 2>&1
  RESULTS="$OUT/campaign.h5"
  stamp "campaign done: $(tail -n 1 "$OUT/campaign.log")"
else
  stamp "campaign skipped: RESULTS=$RESULTS (not a from-scratch study run)"
fi

# ---- 2. pooled models ----------------------------------------------------------------------
rm -f "$OUT"/oof_*.csv "$OUT"/curve_*.json
common=(--target cn --cv 5 --seed "$SEED" --class-weight balanced)
rf=(--model random_forest --trees "$TREES" --max-features sqrt)
gb=(--model gradient_boosting --rounds "$ROUNDS" --shrinkage 0.05 --max-leaves 15 --leaf-rows 5 --l2 1
    --feature-fraction 0.3)
train() {  # train NAME ARGS...: CV run with out-of-fold predictions and metrics
  local name=$1; shift
  mpirun -n "$RANKS" "$XASFORGE" train "$RESULTS" "${common[@]}" "$@" --cv-predictions "$OUT/oof_$name.csv" \
    --metrics-json "$OUT/metrics_$name.json" > "$OUT/train_$name.txt"
  stamp "$name: $(grep '^cv  .*mean' "$OUT/train_$name.txt" | head -n 1 | sed 's/ \+/ /g')"
}
train grouped_rf_chir_mag --cv-groups structure "${rf[@]}" --features chir_mag --export-features "$OUT/rows_chir_mag.csv"
train grouped_rf_set --cv-groups structure "${rf[@]}" --feature-set "$SET" --export-features "$OUT/rows_set.csv"
train grouped_gb_set --cv-groups structure "${gb[@]}" --feature-set "$SET"
train stratified_gb_set "${gb[@]}" --feature-set "$SET"
for f in chir_mag set; do
  sk=$("$PY" "$here/ml_study_sklearn.py" "$OUT/rows_$f.csv" "$OUT/oof_grouped_rf_${f}_sklearn.csv" "$TREES" 2 "$SEED")
  stamp "grouped_rf_${f}_sklearn (scikit-learn RandomForest, same rows and folds): $sk"
done

# ---- 3. per-element models -----------------------------------------------------------------
for z in 21 22 23 24 25 26 27 28 29 30; do
  n=$(awk -F, -v z="$z" 'NR > 1 && $2 == z' "$OUT/rows_set.csv" | wc -l)
  [ "$n" -ge "$MIN_ELEMENT_SITES" ] || continue
  sym=$(echo "Sc Ti V Cr Mn Fe Co Ni Cu Zn" | cut -d' ' -f$((z - 20)))
  train "element_$sym" --cv-groups structure "${gb[@]}" --feature-set "$SET" --element "$z" || stamp "element_$sym failed"
done

# ---- 4. learning curve, 5. final model -----------------------------------------------------
best=$("$PY" - "$OUT" <<'PYEOF'
import csv, glob, os, sys
acc = {}
for p in glob.glob(os.path.join(sys.argv[1], "oof_grouped_*.csv")):
    name = os.path.basename(p)[12:-4]
    if name.endswith("_sklearn"):
        continue
    rows = list(csv.DictReader(open(p)))
    acc[name] = sum(r["true"] == r["predicted"] for r in rows) / len(rows)
print(max(acc, key=acc.get))
PYEOF
)
stamp "best pooled configuration: $best"
case $best in
  rf_chir_mag) cfg=("${rf[@]}" --features chir_mag) ;;
  rf_set) cfg=("${rf[@]}" --feature-set "$SET") ;;
  *) cfg=("${gb[@]}" --feature-set "$SET") ;;
esac
for frac in $CURVE; do
  mpirun -n "$RANKS" "$XASFORGE" train "$RESULTS" "${common[@]}" --cv-groups structure "${cfg[@]}" \
    --group-fraction "$frac" --metrics-json "$OUT/curve_$frac.json" > /dev/null
  stamp "learning curve: fraction $frac done"
done
cp "$OUT/metrics_grouped_$best.json" "$OUT/curve_1.0.json"
mpirun -n "$RANKS" "$XASFORGE" train "$RESULTS" --target cn --seed "$SEED" --class-weight balanced "${cfg[@]}" \
  -o "$OUT/cn_model.xfm" --metrics-json "$OUT/final_metrics.json" > "$OUT/train_final.txt"
stamp "final model: $OUT/cn_model.xfm"

# ---- 6. summary ----------------------------------------------------------------------------
"$PY" "$here/ml_cn_study_report.py" "$OUT"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
stamp "cn_study done"
