#!/usr/bin/python3
"""Regenerates tests/reference/python/: Athena project files written by Larch 0.9.58 from the
bundled measured spectra (XAS Data Library, CC0), for the Athena reader's tests.

    /usr/bin/python3 scripts/regen_python_reference.py
"""
import os
import sys

from larch.io import create_athena, read_ascii
import numpy as np

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, "tests", "reference", "python")
os.makedirs(out, exist_ok=True)


def group(name, label):
    g = read_ascii(os.path.join(root, "examples", "spectra", name), labels=None)
    g.mu = np.log(g.i0 / g.itrans)
    g.label = label
    return g


# Two records (Cu foil first, then Ni foil), gzip-compressed as Athena writes them.
p = create_athena(os.path.join(out, "cu_ni_foils.prj"))
p.add_group(group("Cu_Foil_rt_2016Foils.xdi", "cu_foil"))
p.add_group(group("Ni_metal_rt_01.xdi", "ni_foil"))
p.save(use_gzip=True)
# One record, plain text (Larch 0.9.58's save(use_gzip=False) fails on Python 3: it writes bytes
# to a text file; so the gzip file is written and then decompressed).
import gzip
tmp = os.path.join(out, "cu_foil_plain.prj.gz")
p = create_athena(tmp)
p.add_group(group("Cu_Foil_rt_2016Foils.xdi", "cu_foil"))
p.save(use_gzip=True)
with gzip.open(tmp, "rb") as f, open(os.path.join(out, "cu_foil_plain.prj"), "wb") as g:
    g.write(f.read())
os.remove(tmp)
print("wrote", out, file=sys.stderr)
