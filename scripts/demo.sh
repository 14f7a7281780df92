#!/usr/bin/env bash
# One command: install what is missing, build, and run the demo campaign end to end on the
# bundled data (examples/): simulate chi(k) for every symmetry-unique 3d-metal site of the 1,433
# bundled Materials Project structures on 2 MPI ranks, featurize, label with CrystalNN, train a
# random forest on augmented spectra with calibrated probabilities (results/demo_cn.xfm: the model
# to apply to your own spectra), predict the coordination number of ten measured spectra, write a
# report with plots.
# Idempotent: a finished campaign is not recomputed (xasforge run resumes/finds it done).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/demo_env.sh"

echo "== 1/4 campaign: chi(k), |chi(R)| and CrystalNN labels for every unique 3d-metal site"
mpiexec -n "$ranks" "$xas" run examples/demo.yaml --output results/demo.h5
"$xas" status results/demo.h5

echo "== 2/4 train: random forest on |chi(R)| of every site + 2 augmented copies each; structure-grouped"
echo "          5-fold CV; probabilities calibrated on its out-of-fold rows; final model on all sites"
mpiexec -n "$ranks" "$xas" train results/demo.h5 "${demo_train_args[@]}" "${demo_measured_args[@]}" \
  -o results/demo_cn.xfm --metrics-json results/demo_metrics.json

echo "== 3/4 predict: coordination numbers of the bundled measured spectra (Larch-exact reduction)"
"$xas" predict results/demo_cn.xfm examples/spectra/*.xdi --probabilities -o results/demo_predictions.csv

echo "== 4/4 report"
/usr/bin/python3 scripts/report.py --results results/demo.h5 --metrics results/demo_metrics.json \
  --predictions results/demo_predictions.csv --manifest examples/spectra/manifest.csv \
  --out results/report
