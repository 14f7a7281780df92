#!/usr/bin/python3
"""Seeded synthetic data sets for benchmarks/forest_vs_sklearn.sh, written as xasforge results files.

classification: 13,374 items x 326 |chi(R)|-like features (R = 0..6 A), 8 imbalanced CN classes
    (shaped like the published study). Each item is a sum of Gaussian shells whose first-shell
    area grows with CN and is blurred by a random Debye-Waller-like width, plus outer shells and
    noise, so CN must be read from peak shape and area together.
regression: 5,000 items x 252 descriptor features -> 150 chi(k) values; both are smooth
    nonlinear functions of a 12-dimensional latent structure vector, plus noise.
Usage: ml_make_data.py OUTDIR [SEED]
"""
import sys
import numpy as np
import h5py

out = sys.argv[1]
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20260121
rng = np.random.default_rng(seed)

# ---- classification -------------------------------------------------------------------
n, p = 13374, 326
classes = np.array([2, 3, 4, 5, 6, 7, 8, 12])
share = np.array([0.03, 0.05, 0.24, 0.07, 0.38, 0.04, 0.12, 0.07])
cn = rng.choice(classes, size=n, p=share)
r = np.linspace(0.0, 6.0, p)
r1 = 1.75 + 0.06 * np.log(cn) + rng.normal(0.0, 0.08, n)           # first-shell distance (A)
sigma = rng.uniform(0.05, 0.16, n)                                  # disorder blurs the peak
amp1 = cn * (1.0 + rng.normal(0.0, 0.18, n)) * np.exp(-2 * sigma**2 * 40)
x = amp1[:, None] * np.exp(-0.5 * ((r[None, :] - r1[:, None]) / (sigma[:, None] + 0.08)) ** 2)
for shell in range(3):                                              # outer shells, CN-correlated
    rs = r1 + 0.9 + shell * 0.8 + rng.normal(0.0, 0.15, n)
    a = rng.gamma(2.0, 1.0, n) * (0.4 + 0.05 * cn) / (shell + 1)
    w = rng.uniform(0.1, 0.25, n)
    x += a[:, None] * np.exp(-0.5 * ((r[None, :] - rs[:, None]) / w[:, None]) ** 2)
x += np.abs(rng.normal(0.0, 0.06, (n, p)))
z = rng.choice([26, 27, 28], size=n)
split = (rng.random(n) < 0.2).astype(np.int8)                       # 1 = test
with h5py.File(f"{out}/cn_classification.h5", "w") as f:
    f["/features/chir_mag"] = x
    f["/features/r"] = r
    f["/features/r"].attrs["units"] = "angstrom"
    f["/labels/cn"] = cn.astype(np.int32)
    f["/items/Z"] = z.astype(np.int32)
    f["/items/split"] = split
    f["/items/status"] = np.ones(n, dtype=np.int8)

# ---- multi-output regression ------------------------------------------------------------
n, p, q, latent = 5000, 252, 150, 12
u = rng.normal(size=(n, latent))
w1 = rng.normal(size=(latent, p)) / np.sqrt(latent)
soap = np.tanh(u @ w1) + 0.5 * np.sin(u @ rng.normal(size=(latent, p))) + rng.normal(0, 0.05, (n, p))
k = np.linspace(3.0, 12.0, q)
chi = np.zeros((n, q))
for shell in range(3):
    amp = np.exp(0.4 * (u @ rng.normal(size=latent)) / np.sqrt(latent))
    rr = 2.0 + shell * 0.9 + 0.1 * np.tanh(u @ rng.normal(size=latent))
    ss = 0.05 + 0.02 * (1 + np.tanh(u @ rng.normal(size=latent)))
    chi += amp[:, None] * np.sin(2 * k[None, :] * rr[:, None]) * np.exp(-2 * (k[None, :] ** 2) * (ss[:, None] ** 2))
chi += rng.normal(0, 0.02, (n, q))
split = (rng.random(n) < 0.2).astype(np.int8)
with h5py.File(f"{out}/chi_regression.h5", "w") as f:
    f["/descriptors/soap"] = soap
    f["/spectra/chi"] = chi
    f["/spectra/k"] = k
    f["/items/split"] = split
    f["/items/status"] = np.ones(n, dtype=np.int8)
print(f"wrote {out}/cn_classification.h5 and {out}/chi_regression.h5 (seed {seed})")
