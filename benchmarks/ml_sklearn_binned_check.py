#!/usr/bin/python3
"""Diagnostic for forest_vs_sklearn.sh: how much does binning cost scikit-learn? Fits scikit-learn's
RandomForest on the exact features and on features replaced by xasforge-style bin codes (up to
MAX_BINS equal-count quantile bins per feature fitted on the train split; a feature with at most
MAX_BINS distinct values keeps one bin per value), same settings and seed, and prints both test
accuracies as one JSON line.
Usage: ml_sklearn_binned_check.py FILE FEATURES TARGET TREES SEED [MAX_BINS=255] [N_JOBS=2] [binned]
(a last argument "binned" skips the exact fit, when forest_vs_sklearn.sh has already measured it)
"""
import json
import sys

import h5py
import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score

path, features, target, trees, seed = sys.argv[1:6]
max_bins = int(sys.argv[6]) if len(sys.argv) > 6 else 255
jobs = int(sys.argv[7]) if len(sys.argv) > 7 else 2
with h5py.File(path, "r") as f:
    x = f[features][:]
    y = f[target][:]
    split = f["/items/split"][:]
train, test = split == 0, split == 1


def cuts_of(v):
    """Midpoints between consecutive distinct values, closing a bin at each equal-count quantile."""
    d, c = np.unique(v, return_counts=True)
    mid = d[:-1] + (d[1:] - d[:-1]) / 2
    if len(d) <= max_bins:
        return mid
    cum, out, nxt, n = 0, [], 1, len(v)
    for i in range(len(d) - 1):
        cum += c[i]
        if nxt < max_bins and cum >= n * nxt / max_bins:
            out.append(mid[i])
            while nxt < max_bins and cum >= n * nxt / max_bins:
                nxt += 1
    return np.array(out)


xb = np.empty_like(x)
for j in range(x.shape[1]):
    xb[:, j] = np.searchsorted(cuts_of(x[train, j]), x[:, j], side="left")
out = {"seed": int(seed), "max_bins": max_bins}
only_binned = len(sys.argv) > 8 and sys.argv[8] == "binned"
for name, data in (("exact", x), ("binned", xb))[1 if only_binned else 0:]:
    model = RandomForestClassifier(n_estimators=int(trees), max_features="sqrt", min_samples_leaf=1, bootstrap=True,
                                   n_jobs=jobs, random_state=int(seed))
    model.fit(data[train], y[train])
    out[name] = float(accuracy_score(y[test], model.predict(data[test])))
print(json.dumps(out))
