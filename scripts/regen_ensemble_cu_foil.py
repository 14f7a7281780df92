#!/usr/bin/python3
"""Regenerates tests/reference/ensemble/cu_foil/chi_larch.dat: chi(k) of the measured Cu foil
(../shared/data/experimental/Cu_Foil_rt_2016Foils.xdi) by Larch 0.9.58 (pre_edge + autobk with
defaults except rbkg = 1.0, kweight = 2), used as the RMC target in tests/core/ensemble.
Usage: /usr/bin/python3 scripts/regen_ensemble_cu_foil.py
"""
import datetime
import os

import numpy as np
from larch import Group
from larch.xafs import autobk, pre_edge

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("XASFORGE_SHARED", os.path.join(ROOT, "..", "shared"))
SRC = os.path.join(SHARED, "data", "experimental", "Cu_Foil_rt_2016Foils.xdi")
DEST = os.path.join(ROOT, "tests", "reference", "ensemble", "cu_foil")

d = np.loadtxt(SRC, comments="#")
g = Group(energy=d[:, 0], mu=np.log(d[:, 2] / d[:, 1]))
pre_edge(g)
autobk(g, rbkg=1.0, kweight=2)
os.makedirs(DEST, exist_ok=True)
with open(os.path.join(DEST, "chi_larch.dat"), "w") as fh:
    fh.write(f"# Cu foil chi(k) by Larch pre_edge + autobk(rbkg=1.0, kweight=2); e0 = {g.e0:.3f} eV\n# k chi\n")
    for k, c in zip(g.k, g.chi):
        fh.write(f"{k:8.4f} {c:14.6e}\n")
import larch
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
with open(os.path.join(DEST, "SOURCE.md"), "w") as fh:
    fh.write(f"""# cu_foil

chi(k) of the measured Cu foil (APS 13-ID-E, 2016; shared/data/experimental/Cu_Foil_rt_2016Foils.xdi,
mu = ln(i0/itrans)) extracted with Larch {larch.__version__} (Debian python3-xraylarch):
`pre_edge(g); autobk(g, rbkg=1.0, kweight=2)`, e0 = {g.e0:.3f} eV. Written by
scripts/regen_ensemble_cu_foil.py on {now}. Data license: see shared/data/experimental/README.md.
""")
print("e0", g.e0, "points", len(g.k))
