#!/usr/bin/python3
"""Exports the train/test split of an xasforge results file as raw little-endian float64 files for
ml_ranger_fit.R (R reads them with readBin; no HDF5 package needed on the R side).
Usage: ml_export_raw.py FILE FEATURES TARGET OUTDIR
"""
import sys

import h5py
import numpy as np

path, features, target, out = sys.argv[1:5]
with h5py.File(path, "r") as f:
    x = f[features][:].astype("<f8")
    y = f[target][:].astype("<f8")
    split = f["/items/split"][:]
train, test = split == 0, split == 1
x[train].tofile(f"{out}/x_train.f64")
x[test].tofile(f"{out}/x_test.f64")
y[train].tofile(f"{out}/y_train.f64")
y[test].tofile(f"{out}/y_test.f64")
with open(f"{out}/dims.txt", "w") as d:
    d.write(f"{int(train.sum())} {int(test.sum())} {x.shape[1]}\n")
