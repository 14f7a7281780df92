#!/usr/bin/env bash
# Coordination numbers of measured spectra with the demo's model.
#
# Trains the model exactly as scripts/demo.sh does (the arguments are shared through
# scripts/demo_env.sh: demo_train_args and demo_measured_args) on a results file, then predicts every measured spectrum
# in ../shared/data/experimental (manifest.csv: known CN) with the reading defaults (energy and mu
# from the column labels; no per-file options), and prints per spectrum the known CN, the
# predicted CN, the calibrated probability of the top two classes and the unsure flag, then the
# line `measured: H of N right`.
#
# It also prints the structure-grouped 5-fold cross-validation on the simulated sites with the
# demo's settings (augmentation + calibration) and, with BEFORE=1, the same without them (the
# model before this work), so that simulated accuracy can be compared.
#
# Usage: benchmarks/measured_spectra.sh [RESULTS.h5]
#   RESULTS.h5  a finished campaign (default: run examples/demo.yaml as the demo does, or reuse
#               results/demo.h5 when it is complete)
#   BEFORE=1    also train without augmentation/calibration (grouped CV and measured score)
#   EXTRA_TRAIN_ARGS  appended to the demo model's training arguments (ablations, e.g.
#               EXTRA_TRAIN_ARGS="--augment-sigma2 -0.002 0.004" for the Δσ² range before issue #13's
#               revision; docs/ml.md)
#   XASFORGE_SHARED  the shared folder (default ../shared)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/demo_env.sh"   # builds; cd to the checkout
shared=${XASFORGE_SHARED:-$root/../shared}
expdir="$shared/data/experimental"
results=${1:-results/demo.h5}
out=results/measured_bench
mkdir -p "$out"

if [[ $# -eq 0 ]]; then
  echo "== campaign (as scripts/demo.sh): examples/demo.yaml"
  t0=$(date +%s)
  mpiexec -n "$ranks" "$xas" run examples/demo.yaml --output "$results" >"$out/campaign.log"
  echo "campaign wall: $(( $(date +%s) - t0 )) s"
fi
"$xas" status "$results" | head -3

train_and_score() {  # $1: label, $2: model file, rest: extra train arguments
  local label=$1 model=$2
  shift 2
  echo "== train ($label): ${demo_train_args[*]} $*"
  local t0; t0=$(date +%s)
  mpiexec -n "$ranks" "$xas" train "$results" "${demo_train_args[@]}" "$@" -o "$model" \
    --metrics-json "${model%.xfm}.json" | grep -E "^(data|groupcv|calib|augment|fit) " || true
  echo "train wall: $(( $(date +%s) - t0 )) s"

  local right=0 total=0
  printf '%-28s %-4s %5s %6s %6s %6s %s\n' file known pred p_top second p_2nd unsure
  while IFS=, read -r file element edge compound mode ecol mu cn rest; do
    [[ $file == file ]] && continue
    local line
    line=$("$xas" predict "$model" "$expdir/$file" --probabilities --quiet | tail -1)
    # input,row,item,prediction,p_<class>...,p_top,second,p_second,unsure
    local pred ptop second psec unsure
    pred=$(cut -d, -f4 <<<"$line")
    IFS=, read -r ptop second psec unsure < <(rev <<<"$line" | cut -d, -f1-4 | rev)
    total=$((total + 1))
    [[ $pred == "$cn" ]] && right=$((right + 1))
    printf '%-28s %-4s %5s %6.3f %6s %6.3f %s\n' "$file" "$cn" "$pred" "$ptop" "$second" "$psec" \
      "$([[ $unsure == 1 ]] && echo unsure || echo -)"
  done <"$expdir/manifest.csv"
  echo "$label: $right of $total right"
  last_right=$right last_total=$total
}

if [[ ${BEFORE:-0} == 1 ]]; then
  train_and_score "before (no augmentation, uncalibrated)" "$out/before.xfm" --cv 5 --cv-groups structure
fi
read -r -a extra_args <<<"${EXTRA_TRAIN_ARGS:-}"
train_and_score "demo model" "$out/demo_cn.xfm" "${demo_measured_args[@]}" "${extra_args[@]}"
echo "measured: $last_right of $last_total right"
