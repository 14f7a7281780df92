#!/usr/bin/python3
"""Regenerates tests/reference/scattering/cu_ref_larch/: Larch's path sum (feffpath + path2chi,
the "larch" chi convention of docs/physics.md §1.4) over the feffNNNN.dat files of the cu_ref
fixture that FEFF used in chi.dat, with sigma2 = 0.005 Å², s02 = 1, e0 = 0 and with e0 = 2 eV.
Run with Debian's python3 (python3-xraylarch 0.9.58): /usr/bin/python3 scripts/regen_scattering_larch_reference.py
"""
import datetime
import os
import re

import numpy as np
import larch
from larch.xafs import feffpath, path2chi

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "tests", "reference", "scattering", "cu_ref")
DST = os.path.join(ROOT, "tests", "reference", "scattering", "cu_ref_larch")


def used_paths():
    """Path indices listed in chi.dat's header (those FEFF summed)."""
    idx = []
    on = False
    for line in open(os.path.join(SRC, "chi.dat")):
        if "file" in line and "sig2" in line:
            on = True
            continue
        if on:
            m = re.match(r"#\s+(\d+)\s+[0-9.]+\s+[0-9.]+", line)
            if not m:
                break
            idx.append(int(m.group(1)))
    return idx


def main():
    os.makedirs(DST, exist_ok=True)
    idx = used_paths()
    for e0, name in ((0.0, "chi_larch_e0_0.dat"), (2.0, "chi_larch_e0_2.dat")):
        total = None
        for i in idx:
            p = feffpath(os.path.join(SRC, "feff%04d.dat" % i), sigma2=0.005, s02=1.0, e0=e0)
            path2chi(p)
            total = p.chi.copy() if total is None else total + p.chi
            k = p.k
        with open(os.path.join(DST, name), "w") as f:
            f.write("# Larch %s feffpath+path2chi sum of cu_ref paths %s, sigma2 0.005, s02 1, e0 %g\n"
                    % (larch.__version__, " ".join(map(str, idx)), e0))
            f.write("# k chi\n")
            for a, b in zip(k, total):
                f.write("%.4f %.10e\n" % (a, b))
    with open(os.path.join(DST, "SOURCE.md"), "w") as f:
        f.write("# cu_ref_larch\n\nLarch path sums over the feffNNNN.dat of ../cu_ref (the paths FEFF used in chi.dat).\n\n")
        f.write("* Tool: Larch %s (Debian python3-xraylarch), `larch.xafs.feffpath` + `path2chi`\n" % larch.__version__)
        f.write("* Parameters: sigma2 = 0.005 Å², s02 = 1, e0 = 0 (chi_larch_e0_0.dat) and e0 = 2 eV (chi_larch_e0_2.dat); default k grid 0..20 step 0.05\n")
        f.write("* Command: `/usr/bin/python3 scripts/regen_scattering_larch_reference.py`\n")
        f.write("* Date: %s UTC\n" % datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"))


if __name__ == "__main__":
    main()
