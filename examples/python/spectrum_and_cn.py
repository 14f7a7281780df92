#!/usr/bin/python3
"""xasforge from Python: the χ(k) of Cu metal from its Materials Project JSON, the bundled
measured Cu foil reduced as Larch does, both overlaid, and the foil's coordination number
predicted by a model trained with `xasforge train`.

    export PYTHONPATH=$PWD/build/python          # after scripts/test.sh or scripts/demo.sh
    /usr/bin/python3 examples/python/spectrum_and_cn.py --model results/demo_cn.xfm --plot cu.png

Without --model the script uses results/demo_cn.xfm (written by scripts/demo.sh) if it exists,
and otherwise skips the prediction.
"""
import argparse
import os
import sys

import numpy as np

import xasforge as xf

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--model", default=os.path.join(root, "results", "demo_cn.xfm"))
ap.add_argument("--plot", default="cu_spectrum_and_foil.png")
args = ap.parse_args()

# 1. Structure and spectrum: mp-30 (fcc Cu), the absorber class, its CrystalNN CN, and χ(k) by the
#    path expansion (correlated Debye σ² at 300 K with Cu's Debye temperature, 315 K).
cu = xf.read_structure(os.path.join(here, "mp-30.json"))
print(cu, "absorber classes:", [(c["element"], c["multiplicity"]) for c in xf.absorber_classes(cu)])
print("CrystalNN CN of site 0:", xf.cn(cu, 0))
theory = xf.spectrum(cu, 0, rmax=6.0, max_legs=4, temperature=300.0, debye_temperature=315.0, s02=0.9)
used = theory.paths["used"]
print(f"theory: {len(theory.paths['index'])} paths, {int(np.sum(used))} used; first shell reff "
      f"{theory.paths['reff'][0]:.4f} Å, N {theory.paths['degeneracy'][0]:.0f}, σ² {theory.paths['sigma2'][0]:.5f} Å²")

# 2. The measured Cu foil (XAS Data Library, CC0), reduced with Larch's defaults.
foil_file = os.path.join(root, "examples", "spectra", "Cu_Foil_rt_2016Foils.xdi")
foil = xf.reduce(foil_file, rbkg=1.0, kweight=2.0, kmin=3.0, kmax=12.0)
print(f"measured: e0 = {foil.e0:.2f} eV, edge step = {foil.edge_step:.4f}")

# 3. Overlay k²χ(k).
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(foil.k, foil.k ** 2 * foil.chi, label="Cu foil, measured (xasforge reduce)")
ax.plot(theory.k, theory.k ** 2 * theory.chi, label="fcc Cu mp-30, xasforge spectrum (S0² 0.9)")
ax.set_xlim(2, 14)
ax.set_xlabel("k (Å⁻¹)")
ax.set_ylabel("k² χ(k) (Å⁻²)")
ax.legend()
fig.tight_layout()
fig.savefig(args.plot, dpi=120)
print("wrote", args.plot)

# 4. The foil's CN from a model trained on simulated |χ(R)| (xasforge train --target cn).
if os.path.exists(args.model):
    model = xf.load_model(args.model)
    cn = model.predict(foil_file)[0]
    p = model.probabilities(foil_file)[0]
    print(f"predicted CN of the Cu foil: {cn} (P = {dict(zip(model.classes, np.round(p, 3)))}); fcc Cu has CN 12")
else:
    print(f"no model at {args.model}: run scripts/demo.sh or give --model", file=sys.stderr)
