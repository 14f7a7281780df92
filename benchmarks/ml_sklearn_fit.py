#!/usr/bin/python3
"""scikit-learn side of forest_vs_sklearn.sh: fit a RandomForest on the train split of an xasforge
results file and print one JSON line with fit seconds and the test score.
Usage: ml_sklearn_fit.py FILE FEATURES TARGET TREES MAX_FEATURES MIN_SAMPLES_LEAF N_JOBS [SEED]
"""
import json
import sys
import time

import h5py
import numpy as np
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import accuracy_score, r2_score

path, features, target, trees, max_features, leaf, jobs = sys.argv[1:8]
seed = int(sys.argv[8]) if len(sys.argv) > 8 else 1
with h5py.File(path, "r") as f:
    x = f[features][:]
    y = f[target][:]
    split = f["/items/split"][:]
train, test = split == 0, split == 1
classify = y.ndim == 1
mf = max_features if max_features in ("sqrt", "log2") else (None if max_features == "all" else float(max_features))
Model = RandomForestClassifier if classify else RandomForestRegressor
model = Model(n_estimators=int(trees), max_features=mf, min_samples_leaf=int(leaf), bootstrap=True,
              n_jobs=int(jobs), random_state=seed)
t0, c0 = time.perf_counter(), time.process_time()
model.fit(x[train], y[train])
fit, cpu = time.perf_counter() - t0, time.process_time() - c0  # process_time: all threads
pred = model.predict(x[test])
score = accuracy_score(y[test], pred) if classify else r2_score(y[test], pred)  # R2: uniform average
print(json.dumps({"fit_seconds": fit, "fit_cpu_seconds": cpu, "score": float(score), "metric": "accuracy" if classify else "r2"}))
