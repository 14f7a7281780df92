#!/usr/bin/python3
"""Reference side of benchmarks/boosting_vs_sklearn.sh: fit scikit-learn's
HistGradientBoostingClassifier or XGBoost (hist, loss-guided) on the train split of an xasforge
results file with the benchmark's settings; print one JSON line with fit wall and CPU seconds
and the test accuracy.
Usage: ml_boosting_fit.py sklearn|xgboost FILE FEATURES TARGET ROUNDS LEAVES MIN_LEAF THREADS
"""
import json
import os
import sys
import time

import h5py
import numpy as np

tool, path, features, target = sys.argv[1:5]
rounds, leaves, min_leaf, threads = (int(v) for v in sys.argv[5:9])
os.environ.setdefault("OMP_NUM_THREADS", str(threads))
with h5py.File(path, "r") as f:
    x = f[features][:]
    y = f[target][:]
    split = f["/items/split"][:]
train, test = split == 0, split == 1
classes, y_index = np.unique(y, return_inverse=True)
t0, c0 = time.perf_counter(), time.process_time()
if tool == "sklearn":
    from sklearn.ensemble import HistGradientBoostingClassifier
    model = HistGradientBoostingClassifier(max_iter=rounds, learning_rate=0.1, max_leaf_nodes=leaves,
                                           min_samples_leaf=min_leaf, l2_regularization=1.0, max_bins=255,
                                           early_stopping=False)
    model.fit(x[train], y[train])
    fit, cpu = time.perf_counter() - t0, time.process_time() - c0
    pred = model.predict(x[test])
elif tool == "xgboost":
    import xgboost as xgb
    model = xgb.XGBClassifier(n_estimators=rounds, learning_rate=0.1, tree_method="hist", grow_policy="lossguide",
                              max_leaves=leaves, max_depth=0, max_bin=256, reg_lambda=1.0, min_child_weight=0.0,
                              n_jobs=threads, objective="multi:softprob")
    model.fit(x[train], y_index[train])
    fit, cpu = time.perf_counter() - t0, time.process_time() - c0
    pred = classes[model.predict(x[test])]
else:
    sys.exit(f"unknown tool {tool}")
acc = float(np.mean(pred == y[test]))
print(json.dumps({"tool": tool, "fit_seconds": fit, "fit_cpu_seconds": cpu, "score": acc}))
