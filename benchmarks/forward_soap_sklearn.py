#!/usr/bin/env python3
"""Reference figures for the forward example (SOAP -> k^2 chi(k), k 3-12 1/A) with scikit-learn on
the rows xasforge trains on: the results file of scripts/demo_forward.sh (every Fe and Co site of
the bundled structures), folds grouped by structure (GroupKFold, 5 folds), R^2 averaged uniformly
over the k points (r2_score's multi-output default). Prints, each with its time:
  - random forest, 100 trees, max_features sqrt and 0.1, and extra trees, 0.1;
  - the targets normalised per spectrum (min-max to [0, 1]; mean-centred and divided by the
    standard deviation), the spectrum-side reading of "normalisation";
  - the same forest scored with R^2 over all numbers at once (flattened) instead of per k point;
  - a learning curve: 25 %, 50 %, 100 % of each fold's training structures.
SOAP columns constant over all rows (species pairs that never meet) are dropped first; a forest
cannot split on them.
Usage: /usr/bin/python3 benchmarks/forward_soap_sklearn.py [results/forward_soap.h5]
"""
import sys
import time

import h5py
import numpy as np
from sklearn.ensemble import ExtraTreesRegressor, RandomForestRegressor
from sklearn.metrics import r2_score
from sklearn.model_selection import GroupKFold

path = sys.argv[1] if len(sys.argv) > 1 else "results/forward_soap.h5"
with h5py.File(path, "r") as f:
    ok = f["/items/status"][:] == 1
    X = f["/descriptors/soap"][:][ok]
    chi = f["/spectra/chi"][:][ok]
    k = f["/spectra/k"][:]
    groups = f["/items/structure"][:][ok]
band = (k >= 3 - 1e-9) & (k <= 12 + 1e-9)
Y = chi[:, band] * k[band] ** 2
varying = X.std(axis=0) > 0
print(f"{path}: {len(Y)} sites of {len(np.unique(groups))} structures; SOAP {X.shape[1]} numbers, "
      f"{varying.sum()} not constant; {Y.shape[1]} k points")
X = X[:, varying]
folds = list(GroupKFold(5).split(X, Y, groups))


def grouped_cv(make, target=Y, fraction=1.0, flat=False):
    rng = np.random.default_rng(0)
    scores = []
    for train, test in folds:
        if fraction < 1.0:
            kept = rng.choice(np.unique(groups[train]), int(len(np.unique(groups[train])) * fraction), replace=False)
            train = train[np.isin(groups[train], kept)]
        pred = make().fit(X[train], target[train]).predict(X[test])
        scores.append(r2_score(target[test].ravel(), pred.ravel()) if flat else r2_score(target[test], pred))
    return np.mean(scores)


def report(name, **kw):
    t0 = time.time()
    print(f"{name:62s} grouped 5-fold R^2 {grouped_cv(**kw):.4f}  ({time.time() - t0:.1f} s)", flush=True)


rf = lambda mf: (lambda: RandomForestRegressor(100, max_features=mf, n_jobs=1, random_state=0))
report("random forest 100 trees, max_features sqrt", make=rf("sqrt"))
report("random forest 100 trees, max_features 0.1", make=rf(0.1))
report("extra trees 100, max_features 0.1",
       make=lambda: ExtraTreesRegressor(100, max_features=0.1, n_jobs=1, random_state=0))
lo, hi = Y.min(axis=1, keepdims=True), Y.max(axis=1, keepdims=True)
report("RF 0.1, targets min-max per spectrum", make=rf(0.1), target=(Y - lo) / (hi - lo))
report("RF 0.1, targets centred and scaled per spectrum", make=rf(0.1),
       target=(Y - Y.mean(axis=1, keepdims=True)) / Y.std(axis=1, keepdims=True))
report("RF 0.1, R^2 over all numbers (flattened)", make=rf(0.1), flat=True)
for fraction in (0.25, 0.5):
    report(f"RF 0.1, learning curve: {fraction:.0%} of training structures", make=rf(0.1), fraction=fraction)
