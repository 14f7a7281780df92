#!/usr/bin/env bash
# Gradient-boosted trees: xasforge (data-parallel histograms under mpiexec -n RANKS) against
# scikit-learn's HistGradientBoostingClassifier and XGBoost (python3-xgboost, tree_method hist,
# loss-guided growth) on the same data, in the same run.
#   1. generates (seeded) the CN classification set of forest_vs_sklearn.sh (13,374 × 326,
#      8 imbalanced classes, 10,698 train / 2,676 test) as an HDF5 results file;
#   2. for every tool: ROUNDS boosting rounds, learning rate 0.1, LEAVES leaves per tree, at least
#      MIN_LEAF rows per leaf (XGBoost: no row minimum, min_child_weight 0), L2 1, 255/256 bins,
#      no early stopping; 2 threads for scikit-learn and XGBoost;
#   3. xasforge with 1 rank and RANKS ranks, and a byte comparison of the two model files;
# and ends with: accuracy xasforge A sklearn B xgboost C; fit seconds ...; ratio R (sklearn/xasforge)
# Environment: XASFORGE, WORK, ROUNDS (100), LEAVES (31), MIN_LEAF (20), RANKS (2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
XASFORGE=${XASFORGE:-$root/build/workflows/xasforge}
WORK=${WORK:-$root/build/bench_boosting}
ROUNDS=${ROUNDS:-100}
LEAVES=${LEAVES:-31}
MIN_LEAF=${MIN_LEAF:-20}
RANKS=${RANKS:-2}
PY=/usr/bin/python3
mkdir -p "$WORK"
[ -x "$XASFORGE" ] || { echo "build xasforge first: cmake --build build --target xasforge" >&2; exit 1; }
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/local_mpi_env.sh"  # one machine, loopback MPI
[ -f "$WORK/cn_classification.h5" ] || "$PY" "$here/ml_make_data.py" "$WORK" > /dev/null
cls="$WORK/cn_classification.h5"
echo "machine: $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "settings: $ROUNDS rounds, learning rate 0.1, $LEAVES leaves, >= $MIN_LEAF rows per leaf, L2 1"
xgb() {  # xgb RANKS OUT.json MODEL
  local cmd=("$XASFORGE" train "$cls" --target cn --model gradient_boosting --rounds "$ROUNDS" --shrinkage 0.1
             --max-leaves "$LEAVES" --leaf-rows "$MIN_LEAF" --l2 1 --seed 1 --metrics-json "$2" -o "$3")
  if [ "$1" -gt 1 ]; then mpiexec -n "$1" "${cmd[@]}" > /dev/null; else "${cmd[@]}" > /dev/null; fi
}
xgb "$RANKS" "$WORK/x_n.json" "$WORK/gb_n.xfm"
xgb 1 "$WORK/x_1.json" "$WORK/gb_1.xfm"
cmp -s "$WORK/gb_1.xfm" "$WORK/gb_n.xfm" && same="identical" || same="DIFFERENT"
sk=$("$PY" "$here/ml_boosting_fit.py" sklearn "$cls" /features/chir_mag /labels/cn "$ROUNDS" "$LEAVES" "$MIN_LEAF" 2)
if "$PY" -c "import xgboost" 2> /dev/null; then
  xg=$("$PY" "$here/ml_boosting_fit.py" xgboost "$cls" /features/chir_mag /labels/cn "$ROUNDS" "$LEAVES" "$MIN_LEAF" 2)
else
  xg='{"tool": "xgboost", "missing": true}'
  echo "xgboost: not installed (apt-get install python3-xgboost)"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" - "$WORK/x_n.json" "$WORK/x_1.json" "$sk" "$xg" "$RANKS" "$same" <<'PYEOF'
import json, sys
xn, x1 = (json.load(open(p)) for p in sys.argv[1:3])
sk, xg = json.loads(sys.argv[3]), json.loads(sys.argv[4])
ranks, same = sys.argv[5], sys.argv[6]
print(f"xasforge -n {ranks}: accuracy {xn['test']['accuracy']:.4f}, fit {xn['fit_seconds']:.2f} s wall, "
      f"{xn['fit_cpu_seconds']:.2f} CPU-s (busiest rank {xn['fit_cpu_seconds_max_rank']:.2f})")
print(f"xasforge -n 1: accuracy {x1['test']['accuracy']:.4f}, fit {x1['fit_seconds']:.2f} s wall, {x1['fit_cpu_seconds']:.2f} CPU-s; "
      f"model files for 1 and {ranks} ranks: {same}")
print(f"scikit-learn HistGradientBoosting: accuracy {sk['score']:.4f}, fit {sk['fit_seconds']:.2f} s wall, {sk['fit_cpu_seconds']:.2f} CPU-s")
line = f"accuracy xasforge {xn['test']['accuracy']:.4f} sklearn {sk['score']:.4f}"
if not xg.get("missing"):
    print(f"XGBoost hist: accuracy {xg['score']:.4f}, fit {xg['fit_seconds']:.2f} s wall, {xg['fit_cpu_seconds']:.2f} CPU-s")
    line += f" xgboost {xg['score']:.4f}"
line += f"; fit seconds xasforge {xn['fit_seconds']:.2f} sklearn {sk['fit_seconds']:.2f}"
if not xg.get("missing"):
    line += f" xgboost {xg['fit_seconds']:.2f}"
line += f"; ratio sklearn/xasforge {sk['fit_seconds'] / xn['fit_seconds']:.2f} (CPU {sk['fit_cpu_seconds'] / xn['fit_cpu_seconds']:.2f})"
if not xg.get("missing"):
    line += f", xgboost/xasforge {xg['fit_seconds'] / xn['fit_seconds']:.2f} (CPU {xg['fit_cpu_seconds'] / xn['fit_cpu_seconds']:.2f})"
print(line)
PYEOF
