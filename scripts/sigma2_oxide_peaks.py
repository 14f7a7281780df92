#!/usr/bin/python3
"""First-shell |χ(R)| peak of measured oxides against xasforge's simulated spectra with the
correlated Debye model (Θ_D 350 K, the demo's) and the force-constant recursion model (UFF springs,
unscaled and scaled by --scale), at the measurement temperature (docs/debye_waller.md).

Measured: `xasforge reduce` (rbkg 1, k-weight 2, k 3–12 Å⁻¹, Hanning dk 1). Simulated:
`xasforge spectrum` (rmax 4 Å, 3 legs, S0² 1) transformed with the same window (Larch's xftf).
Usage: /usr/bin/python3 scripts/sigma2_oxide_peaks.py [--xasforge build/workflows/xasforge] [--scale 0.2]
"""
import argparse
import csv
import pathlib
import subprocess

import numpy as np
from larch import Group
from larch.xafs import xftf

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXP = pathlib.Path("/work/shared/data/experimental")
if (ROOT.parent / "shared").exists():
    EXP = ROOT.parent / "shared" / "data" / "experimental"
CASES = [("ZnO.xdi", "ZnO", "Zn", 295), ("CuO_tenorite_13K_01.xdi", "CuO", "Cu", 13), ("FeO_rt_01.xdi", "FeO", "Fe", 295),
         ("NiOH2_rt_01.xdi", "NiOH2", "Ni", 295), ("cr2o3_rt_001.xdi", "Cr2O3", "Cr", 295), ("Fe2O3_rt_01.xdi", "Fe2O3", "Fe", 295)]


def peak(k, chi):
    g = Group(k=np.asarray(k), chi=np.asarray(chi))
    xftf(g, kmin=3, kmax=12, dk=1, kweight=2, window="hanning")
    sel = (g.r > 0.8) & (g.r < 2.3)
    i = np.argmax(g.chir_mag[sel])
    return g.chir_mag[sel][i], g.r[sel][i]


def read_csv(path):
    k, c = [], []
    for line in open(path):
        if line.startswith("#") or line.startswith("k,"):
            continue
        a, b = line.split(",")[:2]
        k.append(float(a))
        c.append(float(b))
    return k, c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xasforge", default=str(ROOT / "build" / "workflows" / "xasforge"))
    ap.add_argument("--out", default=str(ROOT / "build" / "sigma2_peaks"))
    ap.add_argument("--scale", type=float, default=0.2)
    args = ap.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    manifest = {r["file"]: r for r in csv.DictReader(open(EXP / "manifest.csv"))}
    print("| spectrum | T (K) | measured peak (Å) | correlated Debye 350 K | recursion, UFF | "
          f"recursion, UFF × {args.scale:g} |")
    print("| --- | --- | --- | --- | --- | --- |")
    for f, struct, absorber, temp in CASES:
        m = manifest[f]
        prefix = out / struct
        subprocess.run([args.xasforge, "reduce", str(EXP / f), "--energy-column", m["energy_column"], "--mu", m["mu_expression"],
                        "-o", str(prefix)], check=True, capture_output=True)
        meas = peak(*read_csv(str(prefix) + "_chi.csv"))
        cells = [f"{meas[0]:.3f} ({meas[1]:.2f})"]
        for label, extra in (("cd", ["--sigma2-model", "correlated-debye", "--debye-temperature", "350"]),
                             ("rec", ["--sigma2-model", "recursion"]),
                             ("rec_scaled", ["--sigma2-model", "recursion", "--force-constant-scale", str(args.scale)])):
            chi_file = out / f"{struct}_{label}.csv"
            subprocess.run([args.xasforge, "spectrum", str(ROOT / "examples" / "reference_structures" / f"{struct}.cif"),
                            "--absorber", absorber, "--rmax", "4", "--max-legs", "3", "--cluster-radius", "7",
                            "--temperature", str(temp), "-o", str(chi_file)] + extra, check=True, capture_output=True)
            sim = peak(*read_csv(chi_file))
            cells.append(f"{sim[0]:.3f} ({sim[0] / meas[0]:.2f}×)")
        print(f"| {f} | {temp} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
