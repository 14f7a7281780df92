#!/usr/bin/python3
"""Regenerate tests/reference/xafs/ from Larch 0.9.58 (Debian python3-xraylarch).

Run with Debian's Python:  /usr/bin/python3 scripts/regen_xafs_reference.py
Reads ../shared/data/experimental (manifest.csv) and writes, per measured spectrum,
  tests/reference/xafs/spectra/<stem>.csv  (e0, step, pre_edge ranges, nspl, irbkg; norm/flat,
                                           chi(k), |chi(R)|, Re, Im)
and, for the transforms, tests/reference/xafs/transforms/*.csv.
Settings (the xasforge reduce defaults): pre_edge defaults; autobk rbkg=1, kweight=2 (other
autobk arguments at Larch's defaults); xftf kmin=3, kmax=12, dk=1, window=hanning, kweight=2.
"""
import csv
import datetime
import os
import sys

import numpy as np
import larch
from larch.io import read_ascii
from larch.xafs import pre_edge, autobk, xftf, xftr, cauchy_wavelet
from larch import Group

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("XASFORGE_SHARED", os.path.join(ROOT, "..", "shared"))
EXPDIR = os.path.join(SHARED, "data", "experimental")
OUT = os.path.join(ROOT, "tests", "reference", "xafs")


def eval_mu(expr, cols):
    """The manifest's mu expressions: colN, ln(a/b)."""
    env = {"ln": np.log, "log": np.log}
    for i, c in enumerate(cols):
        env["col%d" % (i + 1)] = c
    return eval(expr, {"__builtins__": {}}, env)


def stem_of(name):
    return os.path.splitext(name)[0].replace(" ", "_")


def fmt(x):
    return "%.17g" % x


def write_block(fh, name, columns, arrays):
    fh.write("# block %s %d\n" % (name, len(arrays[0])))
    fh.write(",".join(columns) + "\n")
    for row in zip(*arrays):
        fh.write(",".join(fmt(v) for v in row) + "\n")


def spectra():
    os.makedirs(os.path.join(OUT, "spectra"), exist_ok=True)
    with open(os.path.join(EXPDIR, "manifest.csv")) as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        path = os.path.join(EXPDIR, row["file"])
        dat = read_ascii(path)
        cols = [dat.data[i] for i in range(dat.data.shape[0])]
        energy = eval_mu(row["energy_column"], cols)
        mu = eval_mu(row["mu_expression"], cols)
        g = Group()
        pre_edge(energy, mu, group=g)
        autobk(energy, mu, group=g, rbkg=1, kweight=2)
        xftf(g.k, g.chi, group=g, kmin=3, kmax=12, dk=1, window="hanning", kweight=2)
        d = g.pre_edge_details
        ad = g.autobk_details
        out = os.path.join(OUT, "spectra", stem_of(row["file"]) + ".csv")
        with open(out, "w") as fh:
            fh.write("# Larch %s: %s, energy %s, mu %s\n" % (larch.__version__, row["file"],
                                                              row["energy_column"], row["mu_expression"]))
            fh.write("# scalars\n")
            for key, val in (("e0", g.e0), ("edge_step", g.edge_step), ("pre1", d.pre1),
                             ("pre2", d.pre2), ("norm1", d.norm1), ("norm2", d.norm2),
                             ("nnorm", d.nnorm), ("npts", len(energy)), ("nspl", ad.nspl),
                             ("irbkg", ad.irbkg), ("kmax_bkg", ad.kmax)):
                fh.write("%s,%s\n" % (key, fmt(val)))
            write_block(fh, "energy", ["energy", "mu", "norm", "flat", "bkg", "delta_bkg"],
                        [energy, mu, g.norm, g.flat, g.bkg, g.delta_bkg])
            write_block(fh, "chi", ["k", "chi", "delta_chi"], [g.k, g.chi, g.delta_chi])
            write_block(fh, "chir", ["r", "chir_mag", "chir_re", "chir_im"],
                        [g.r, g.chir_mag, g.chir_re, g.chir_im])
        print("wrote", out, "e0 = %.3f nspl = %d irbkg = %d" % (g.e0, ad.nspl, ad.irbkg))


# Non-default arguments, to exercise the other branches (extrapolated background beyond kmax,
# kmin > 0, clamps at both ends, nvict, user ranges, kaiser window in autobk).
OPTION_CASES = [
    ("cu_foil_options", "Cu_Foil_rt_2016Foils.xdi", "col1", "ln(col3/col2)",
     dict(pre1=-150, pre2=-40, norm1=120, norm2=700, nnorm=2, nvict=1),
     dict(rbkg=1.2, kmin=0.5, kmax=13.0, kweight=1, dk=0.5, win="kaiser", nclamp=2, clamp_lo=1, clamp_hi=2),
     dict(kmin=2.5, kmax=11.5, dk=2, window="welch", kweight=3)),
    ("zno_options", "ZnO.xdi", "col1", "ln(col2/col3)",
     dict(e0=9662.0, nnorm=1),
     dict(rbkg=0.9, kmax=10.0, kweight=3, nknots=12),
     dict(kmin=2, kmax=9.5, dk=1, window="parzen", kweight=1)),
]


def option_cases():
    os.makedirs(os.path.join(OUT, "options"), exist_ok=True)
    for name, fname, ecol, muexpr, pre_kws, bkg_kws, ft_kws in OPTION_CASES:
        dat = read_ascii(os.path.join(EXPDIR, fname))
        cols = [dat.data[i] for i in range(dat.data.shape[0])]
        energy = eval_mu(ecol, cols)
        mu = eval_mu(muexpr, cols)
        g = Group()
        pre_edge(energy, mu, group=g, **pre_kws)
        autobk(energy, mu, group=g, **bkg_kws)
        xftf(g.k, g.chi, group=g, **ft_kws)
        d = g.pre_edge_details
        ad = g.autobk_details
        with open(os.path.join(OUT, "options", name + ".csv"), "w") as fh:
            fh.write("# Larch %s: %s; pre_edge %r; autobk %r; xftf %r\n" % (larch.__version__, fname, pre_kws,
                                                                            bkg_kws, ft_kws))
            fh.write("# scalars\n")
            for key, val in (("e0", g.e0), ("edge_step", g.edge_step), ("pre1", d.pre1), ("pre2", d.pre2),
                             ("norm1", d.norm1), ("norm2", d.norm2), ("nnorm", d.nnorm), ("nspl", ad.nspl),
                             ("irbkg", ad.irbkg)):
                fh.write("%s,%s\n" % (key, fmt(val)))
            write_block(fh, "energy", ["energy", "norm", "flat", "bkg"], [energy, g.norm, g.flat, g.bkg])
            write_block(fh, "chi", ["k", "chi"], [g.k, g.chi])
            write_block(fh, "chir", ["r", "chir_re", "chir_im"], [g.r, g.chir_re, g.chir_im])
        print("wrote option case", name, "e0 = %.3f nspl = %d irbkg = %d" % (g.e0, ad.nspl, ad.irbkg))


def chi_std_case():
    """autobk with a standard chi(k): half of ZnO's own default chi(k), on its k grid."""
    dat = read_ascii(os.path.join(EXPDIR, "ZnO.xdi"))
    cols = [dat.data[i] for i in range(dat.data.shape[0])]
    energy, mu = eval_mu("col1", cols), eval_mu("ln(col2/col3)", cols)
    g0 = Group()
    pre_edge(energy, mu, group=g0)
    autobk(energy, mu, group=g0, rbkg=1, kweight=2)
    k_std, chi_std = g0.k[::3], 0.5 * g0.chi[::3]
    g = Group()
    pre_edge(energy, mu, group=g)
    autobk(energy, mu, group=g, rbkg=1, kweight=2, k_std=k_std, chi_std=chi_std)
    with open(os.path.join(OUT, "options", "zno_chi_std.csv"), "w") as fh:
        fh.write("# Larch %s: ZnO.xdi; autobk(rbkg=1, kweight=2, k_std, chi_std) with the standard "
                 "= 0.5 x its own default chi, every 3rd point\n" % larch.__version__)
        write_block(fh, "std", ["k", "chi"], [k_std, chi_std])
        write_block(fh, "chi", ["k", "chi"], [g.k, g.chi])
    print("wrote option case zno_chi_std")


def transforms():
    """xftf/xftr for every window on an irregular synthetic chi(k); a Cauchy wavelet case."""
    tdir = os.path.join(OUT, "transforms")
    os.makedirs(tdir, exist_ok=True)
    # irregular k grid, 0.. 15.3, deterministic
    k = np.sort(np.concatenate([np.linspace(0.0, 15.3, 241), 0.013 + np.linspace(0.4, 14.9, 57)]))
    chi = (0.8 * np.sin(2 * 2.55 * k + 0.3) * np.exp(-2 * 0.006 * k * k) / (1 + k)
           + 0.3 * np.sin(2 * 3.61 * k - 0.7) * np.exp(-2 * 0.009 * k * k) / (1 + k))
    with open(os.path.join(tdir, "chi_input.csv"), "w") as fh:
        write_block(fh, "input", ["k", "chi"], [k, chi])
    windows = ["hanning", "kaiser", "parzen", "welch", "sine", "gaussian"]
    for iw, win in enumerate(windows):
        kw = 1 + iw % 3
        dk = 1.5 if win != "kaiser" else 4.0
        g = Group()
        xftf(k, chi, group=g, kmin=2.3, kmax=14.7, dk=dk, window=win, kweight=kw)
        xftr(g.r, g.chir, group=g, rmin=1.1, rmax=3.3, dr=0.5 if win != "kaiser" else 2.0,
             window=win, rw=iw % 2)
        with open(os.path.join(tdir, "ft_%s.csv" % win), "w") as fh:
            fh.write("# xftf(k, chi, kmin=2.3, kmax=14.7, dk=%g, window=%s, kweight=%d); "
                     "xftr(r, chir, rmin=1.1, rmax=3.3, dr=%g, window=%s, rw=%d)\n"
                     % (dk, win, kw, 0.5 if win != "kaiser" else 2.0, win, iw % 2))
            fh.write("# scalars\n")
            for key, val in (("dk", dk), ("kweight", kw), ("dr", 0.5 if win != "kaiser" else 2.0),
                             ("rw", iw % 2)):
                fh.write("%s,%s\n" % (key, fmt(val)))
            kgrid = 0.05 * np.arange(len(g.kwin))
            write_block(fh, "kwin", ["k", "kwin"], [kgrid, g.kwin])
            write_block(fh, "chir", ["r", "chir_re", "chir_im"], [g.r, g.chir_re, g.chir_im])
            write_block(fh, "chiq", ["q", "chiq_re", "chiq_im"], [g.q, g.chiq_re, g.chiq_im])
    # Cauchy wavelet: uniform k from 0, kweight 2, rmax_out 6; stored on a sub-grid
    kw = np.arange(0, 321) * 0.05
    chiw = np.sin(2 * 2.55 * kw) * np.exp(-0.01 * kw * kw) / (1 + kw)
    g = Group()
    cauchy_wavelet(kw, chiw, group=g, kweight=2, rmax_out=6)
    ir = np.arange(0, len(g.r), 7)
    ik = np.arange(0, len(kw), 5)
    with open(os.path.join(tdir, "cauchy.csv"), "w") as fh:
        fh.write("# cauchy_wavelet(k = 0.05*[0..320], chi = sin(5.1k) exp(-0.01k^2)/(1+k), "
                 "kweight=2, rmax_out=6); every 7th r, every 5th k\n")
        fh.write("# scalars\n")
        fh.write("nr,%d\n" % len(g.r))
        write_block(fh, "wavelet", ["ir", "ik", "re", "im"],
                    [np.repeat(ir, len(ik)), np.tile(ik, len(ir)),
                     g.wcauchy_re[np.ix_(ir, ik)].ravel(), g.wcauchy_im[np.ix_(ir, ik)].ravel()])
    print("wrote transforms")


if __name__ == "__main__":
    spectra()
    option_cases()
    chi_std_case()
    transforms()
    with open(os.path.join(OUT, "SOURCE.md"), "w") as fh:
        fh.write("""# Larch reference for core/xafs

- Tool: Larch %s (Debian bookworm package python3-xraylarch), run with /usr/bin/python3.
- Command: `/usr/bin/python3 scripts/regen_xafs_reference.py` (from the repository root).
- Date: %s UTC.
- Inputs: ../shared/data/experimental/*.{xdi,dat} with manifest.csv (energy column, mu expression),
  read with `larch.io.read_ascii`; the transform cases are synthetic (formulas in the script).
- Settings: `pre_edge(energy, mu)` defaults; `autobk(energy, mu, rbkg=1, kweight=2)`;
  `xftf(k, chi, kmin=3, kmax=12, dk=1, window='hanning', kweight=2)`.
- Non-default arguments: `options/<case>.csv` (the arguments are in each file's first line and in
  OPTION_CASES of the script).
- Files: `spectra/<file stem>.csv` (scalars, energy block with mu/norm/flat/bkg, chi(k), chi(R));
  `transforms/ft_<window>.csv` (xftf window, chi(R), xftr chi(q)); `transforms/cauchy.csv`
  (Cauchy wavelet on a sub-grid). Values are written with 17 significant digits.
""" % (larch.__version__, datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M")))
