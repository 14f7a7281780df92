#!/usr/bin/python3
"""Per-spectrum time of pre_edge + autobk + xftf: xasforge vs Larch 0.9.58, in the same run.

Usage: /usr/bin/python3 benchmarks/xafs_vs_larch.py [path/to/xasforge] [--repeat N]
Runs every spectrum of ../shared/data/experimental/manifest.csv through
  Larch:    pre_edge(energy, mu); autobk(energy, mu, rbkg=1, kweight=2) (calc_uncertainties at its
            default True, and again with False); xftf(k, chi, kmin=3, kmax=12, dk=1, hanning, kweight=2)
  xasforge: `xasforge reduce FILE --energy-column C --mu EXPR --repeat N` (same settings, the
            uncertainty bands included; the in-memory chain is timed, file reading and CSV
            writing are not, as for Larch).
Prints per-spectrum CPU times (process time: robust on a shared, loaded machine) and the ratios;
wall-clock totals are printed too. Target ratio >= 20.
"""
import csv
import math
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
from larch import Group
from larch.io import read_ascii
from larch.xafs import autobk, pre_edge, xftf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("XASFORGE_SHARED", os.path.join(ROOT, "..", "shared"))
EXPDIR = os.path.join(SHARED, "data", "experimental")


def larch_time(energy, mu, repeat, calc_uncertainties):
    """(wall, cpu) seconds per spectrum."""
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        g = Group()
        pre_edge(energy, mu, group=g)
        autobk(energy, mu, group=g, rbkg=1, kweight=2, calc_uncertainties=calc_uncertainties)
        xftf(g.k, g.chi, group=g, kmin=3, kmax=12, dk=1, window="hanning", kweight=2)
    return (time.perf_counter() - t0) / repeat, (time.process_time() - c0) / repeat


def main():
    args = sys.argv[1:]
    exe = os.path.join(ROOT, "build", "workflows", "xasforge")
    repeat = 5
    if "--repeat" in args:
        i = args.index("--repeat")
        repeat = int(args[i + 1])
        del args[i:i + 2]
    if args:
        exe = args[0]
    with open(os.path.join(EXPDIR, "manifest.csv")) as fh:
        rows = list(csv.DictReader(fh))
    print("CPU time per spectrum (pre_edge + autobk + xftf); larch-nou: autobk(calc_uncertainties=False)")
    print("%-26s %11s %11s %11s %9s %9s" % ("spectrum", "larch [ms]", "larch-nou", "xasforge", "ratio", "ratio-nou"))
    ratios, ratios_nou, tot_l, tot_ln, tot_x = [], [], 0.0, 0.0, 0.0
    wall_l, wall_x = 0.0, 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for row in rows:
            path = os.path.join(EXPDIR, row["file"])
            d = read_ascii(path)
            cols = {"col%d" % (i + 1): d.data[i] for i in range(d.data.shape[0])}
            cols["ln"] = np.log
            energy = eval(row["energy_column"], {"__builtins__": {}}, cols)
            mu = eval(row["mu_expression"], {"__builtins__": {}}, cols)
            w_larch, t_larch = larch_time(energy, mu, repeat, True)
            _, t_larch_nou = larch_time(energy, mu, repeat, False)
            out = subprocess.run([exe, "reduce", path, "--energy-column", row["energy_column"], "--mu",
                                  row["mu_expression"], "--repeat", str(max(20, 40 * repeat)), "-o",
                                  os.path.join(tmp, "x")], capture_output=True, text=True, check=True).stdout
            m = re.search(r"timing .* ([0-9.eE+-]+) s per spectrum .*; cpu ([0-9.eE+-]+) s per spectrum", out)
            w_x, t_x = float(m.group(1)), float(m.group(2))
            wall_l, wall_x = wall_l + w_larch, wall_x + w_x
            ratios.append(t_larch / t_x)
            ratios_nou.append(t_larch_nou / t_x)
            tot_l, tot_ln, tot_x = tot_l + t_larch, tot_ln + t_larch_nou, tot_x + t_x
            print("%-26s %11.2f %11.2f %11.3f %9.1f %9.1f" % (row["file"][:26], 1e3 * t_larch, 1e3 * t_larch_nou,
                                                              1e3 * t_x, t_larch / t_x, t_larch_nou / t_x))
    geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    geo_nou = math.exp(sum(math.log(r) for r in ratios_nou) / len(ratios_nou))
    print("wall clock (noisy on a shared machine): larch %.1f ms, xasforge %.2f ms in total: %.1fx"
          % (1e3 * wall_l, 1e3 * wall_x, wall_l / wall_x))
    print("total CPU: larch %.1f ms (%.1f ms without uncertainties), xasforge %.2f ms for %d spectra"
          % (1e3 * tot_l, 1e3 * tot_ln, 1e3 * tot_x, len(rows)))
    print("speed-up: %.1fx on the total (%.1fx vs Larch without uncertainties); geometric mean %.1fx (%.1fx); "
          "minimum %.1fx (%.1fx); target >= 20x: %s"
          % (tot_l / tot_x, tot_ln / tot_x, geo, geo_nou, min(ratios), min(ratios_nou),
             "met" if min(ratios_nou) >= 20 else "NOT met for every spectrum"))


if __name__ == "__main__":
    main()
