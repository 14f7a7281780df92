#!/usr/bin/env bash
# A campaign file with a `train` section trains after the run (examples/quick.yaml: 7 items, CN
# labels, random forest with 3-fold CV): the model and metrics appear beside the results file,
# `xasforge train` on the same file with the same settings writes a byte-identical model, and the
# model predicts the campaign's own items. Usage: campaign_train.sh XASFORGE MPIEXEC SOURCE WORKDIR
set -euo pipefail
X=$1 MPIEXEC=$2 SRC=$3 W=$4
rm -rf "$W" && mkdir -p "$W"
"$MPIEXEC" -n 2 "$X" run "$SRC/examples/quick.yaml" --output "$W/quick.h5" > "$W/run.txt"
grep -q "== train (campaign train section): cn -> $W/quick_model.xfm" "$W/run.txt"
grep -q "cv       3-fold (base): mean accuracy" "$W/run.txt"
/usr/bin/python3 - "$W/quick_train.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["n_train"] == 7 and len(m["cv"]) == 1 and 0.0 <= m["cv"][0]["mean_score"] <= 1.0, m
PY
# quick.yaml's train section: 100 trees, 3 folds, minmax, seed = the campaign seed (7).
"$X" train "$W/quick.h5" --target cn --trees 100 --cv 3 --normalization minmax --seed 7 -o "$W/by_hand.xfm" > /dev/null
cmp "$W/quick_model.xfm" "$W/by_hand.xfm"
"$X" predict "$W/quick_model.xfm" "$W/quick.h5" > "$W/pred.csv"
[ "$(grep -c . "$W/pred.csv")" -eq 8 ]  # header + 7 items
echo "campaign train section: model, metrics and predictions as from xasforge train"
