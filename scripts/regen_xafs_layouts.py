#!/usr/bin/python3
"""Regenerate tests/reference/xafs/layouts/: measured spectra written in the plain-text layouts
that beamlines and programs produce, and what Larch's read_ascii makes of each.

Run with Debian's Python:  /usr/bin/python3 scripts/regen_xafs_layouts.py
The numbers come from two CC0 spectra of the XAS Data Library in ../shared/data/experimental
(Fe foil and Cu foil, room temperature); only the layout around them changes:
  fe_foil_xdac.060      NSLS XDAC header (free text, "key= value" lines, a dash line, then the
                        column names Energy I0 It), one blank line inside the data block
  cu_foil_two_column.txt  a new user's file: no header, two columns energy and mu
  fe_foil_athena.xmu    Athena-style export: '#' header, '# ----' line, '#  energy xmu ...'
  fe_foil_athena.nor    Athena-style normalized export: energy norm flat (Larch's pre_edge)
  expected.json         per file: read_ascii's array_labels, shape, first and last rows
"""
import json
import math
import os

import numpy as np
from larch import Group
from larch.io import read_ascii
from larch.xafs import pre_edge

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("XASFORGE_SHARED", os.path.join(ROOT, "..", "shared"))
EXPDIR = os.path.join(SHARED, "data", "experimental")
OUT = os.path.join(ROOT, "tests", "reference", "xafs", "layouts")


def columns(name):
    g = read_ascii(os.path.join(EXPDIR, name))
    return g.array_labels, g.data


def write_xdac(path, energy, i0, it):
    with open(path, "w") as f:
        f.write("XDAC V1.2 Datafile V1\n")
        f.write('"fe_foil.060" created on 12/3/26 at 10:20:36 AM on X-11A\n')
        f.write("Ring energy= 2.58 GeV\nE0= 7112.00\nNUM_REGIONS= 3\n")
        f.write("SRB= -200 -20 20 22k\nSRSS= 5 0.5 0.05k\nSPP= 2 2 2\nSettling time= 0.50\n\n\n")
        f.write("Offsets= 9925.80 9914.40\nGains= 7.00 7.00\n")
        f.write("Fe foil (XAS Data Library Fe_Foil_rt_2016Foils, CC0) in the XDAC layout\n\n\n")
        f.write("-" * 80 + "\n")
        f.write("        Energy            I0            It\n")
        half = len(energy) // 2
        for i in range(len(energy)):
            if i == half:
                f.write("\n")  # XDAC files may hold blank lines inside the data block
            f.write("%14.5f%14.4f%14.4f\n" % (energy[i], i0[i], it[i]))


def main():
    os.makedirs(OUT, exist_ok=True)
    labels, fe = columns("Fe_Foil_rt_2016Foils.xdi")  # energy, itrans, i0
    e, itr, i0 = fe[labels.index("energy")], fe[labels.index("itrans")], fe[labels.index("i0")]
    write_xdac(os.path.join(OUT, "fe_foil_xdac.060"), e, i0, itr)

    labels_cu, cu = columns("Cu_Foil_rt_2016Foils.xdi")
    mu_cu = np.log(cu[2] / cu[1])  # the manifest's ln(col3/col2)
    with open(os.path.join(OUT, "cu_foil_two_column.txt"), "w") as f:
        for a, b in zip(cu[0], mu_cu):
            f.write("%.3f\t%.10f\n" % (a, b))

    mu = np.log(i0 / itr)
    g = Group(energy=e, mu=mu)
    pre_edge(g)
    with open(os.path.join(OUT, "fe_foil_athena.xmu"), "w") as f:
        f.write("# XDI-less export written in the layout of Athena's 'mu(E)' column files\n")
        f.write("# Element.symbol: Fe    Element.edge: K\n")
        f.write("# Athena: e0 = %.3f, pre-edge and post-edge lines from Larch pre_edge\n" % g.e0)
        f.write("# ------------------------\n")
        f.write("#  energy xmu pre_edge post_edge\n")
        for row in zip(e, mu, g.pre_edge, g.post_edge):
            f.write("  %.4f  %.10g  %.10g  %.10g\n" % row)
    with open(os.path.join(OUT, "fe_foil_athena.nor"), "w") as f:
        f.write("# Athena-layout normalized export (Larch pre_edge): norm and flat\n")
        f.write("# e0 = %.3f  edge step = %.6g\n" % (g.e0, g.edge_step))
        f.write("# ------------------------\n")
        f.write("#  energy norm flat\n")
        for row in zip(e, g.norm, g.flat):
            f.write("  %.4f  %.10g  %.10g\n" % row)

    expected = {}
    for name in sorted(os.listdir(OUT)):
        if name.endswith(".json") or name.endswith(".md"):
            continue
        g = read_ascii(os.path.join(OUT, name))
        d = g.data
        expected[name] = {
            "labels": list(g.array_labels),
            "n_columns": int(d.shape[0]),
            "n_rows": int(d.shape[1]),
            "first_row": [float(v) for v in d[:, 0]],
            "last_row": [float(v) for v in d[:, -1]],
            "column_sums": [math.fsum(float(v) for v in d[c]) for c in range(d.shape[0])],
        }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
