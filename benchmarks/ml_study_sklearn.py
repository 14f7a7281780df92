#!/usr/bin/python3
"""scikit-learn side of benchmarks/cn_study.sh: a RandomForestClassifier on exactly the feature
rows and cross-validation folds `xasforge train --export-features` wrote (same rows, same
structure-grouped folds), with the study's forest settings. Writes out-of-fold predictions in the
format of `xasforge train --cv-predictions` and prints one JSON line.
Usage: ml_study_sklearn.py FEATURES.csv OUT_PREDICTIONS.csv TREES N_JOBS SEED
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestClassifier

src, out, trees, jobs, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
data = np.loadtxt(src, delimiter=",", skiprows=1)
item, z, group, fold, label = (data[:, i].astype(int) for i in range(5))
x = data[:, 5:]
pred = np.zeros_like(label)
t0, c0 = time.perf_counter(), time.process_time()
for f in sorted(set(fold)):
    test = fold == f
    model = RandomForestClassifier(n_estimators=trees, max_features="sqrt", class_weight="balanced",
                                   n_jobs=jobs, random_state=seed + int(f))
    model.fit(x[~test], label[~test])
    pred[test] = model.predict(x[test])
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
with open(out, "w") as fh:
    fh.write("item,z,group,fold,true,predicted\n")
    for i in range(len(item)):
        fh.write(f"{item[i]},{z[i]},{group[i]},{fold[i]},{label[i]},{pred[i]}\n")
print(json.dumps({"accuracy": float(np.mean(pred == label)), "cv_seconds": wall, "cv_cpu_seconds": cpu}))
