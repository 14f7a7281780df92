#!/usr/bin/python3
"""Regenerate tests/reference/scattering/sigma2_fc: FEFF 8.5L's force-constant Debye–Waller factors.

For Cu (fcc, 135 atoms) and NiO (rocksalt, 171 atoms) this takes the clusters of the existing
reference runs (tests/reference/scattering/cu_ref, nio), sets DEBYE T 0 idwopt with idwopt 1
(equation of motion) and 2 (recursion), writes a spring.inp and runs `feff8l` in a scratch folder.
Kept: feff.inp, spring.inp, spring.dat, paths.dat and s2_em.dat / s2_rm2.dat.

Springs (spring.inp: atom indices are 0-based positions in the ATOMS list):
  (both with the VDOS card below)
  cu:  one stretch Cu–Cu 27.9 N/m at the nearest-neighbour distance (FEFF's example value).
  nio: stretch Ni–O 463 N/m (UFF at its natural length), bends O–Ni–O 232.6 and Ni–O–Ni 259.6
       (N/m)·Å² (UFF K_IJK at θ₀ = 90°), all for the 90° angles of the nearest-neighbour octahedra.
Usage: /usr/bin/python3 scripts/regen_sigma2_reference.py
"""
import datetime
import math
import os
import pathlib
import re
import shutil
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
REF = ROOT / "tests" / "reference" / "scattering"
OUT = REF / "sigma2_fc"
TEMPERATURE = 300.0
# Equation-of-motion resolution (res 0.03 of the first-shell frequency band), ω range (1.0) and a
# low-ω fit of the density to Aω⁴ over 1/20 of the grid (dosfit 1). With FEFF's defaults (dosfit 0)
# the Gaussian tails of the density near ω = 0 meet the 1/ω² weight and FEFF's first-shell Cu σ²
# doubles (0.0148 instead of 0.0084 Å²); these settings are the converged ones (res 0.02: 0.00826).
VDOS = "VDOS 0.03 1.0 1\n"


def atoms_of(feff_inp):
    atoms, on = [], False
    for line in feff_inp.splitlines():
        w = line.split()
        if not w:
            continue
        if w[0].upper().startswith("ATOM"):
            on = True
            continue
        if on:
            if w[0].startswith("*"):
                continue
            if w[0].upper() == "END":
                break
            atoms.append((float(w[0]), float(w[1]), float(w[2]), int(w[3]), w[4]))
    return atoms


def index_of(atoms, xyz):
    for i, a in enumerate(atoms):
        if all(abs(a[j] - xyz[j]) < 1e-3 for j in range(3)):
            return i
    raise SystemExit(f"no atom at {xyz}")


def spring_inp(case, atoms):
    if case == "cu":
        nn = min(range(1, len(atoms)), key=lambda i: math.dist(atoms[0][:3], atoms[i][:3]))
        return f"STRETCHES\n  0 {nn} 27.9 2.0\n{VDOS}END\n"
    o1 = index_of(atoms, (-2.0885, 0.0, 0.0))
    o2 = index_of(atoms, (0.0, 0.0, -2.0885))
    ni2 = index_of(atoms, (-2.0885, 0.0, -2.0885))
    return ("STRETCHES\n"
            f"  0 {o1} 463.0 2.0\n"
            "ANGLES\n"
            f"  {o1} 0 {o2} 232.6 2.0\n"
            f"  0 {o1} {ni2} 259.6 2.0\n"
            f"{VDOS}END\n")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for case, src in (("cu", "cu_ref"), ("nio", "nio")):
        base = (REF / src / "feff.inp").read_text()
        atoms = atoms_of(base)
        dest = OUT / case
        dest.mkdir(parents=True, exist_ok=True)
        for idwopt, out_name in ((1, "s2_em.dat"), (2, "s2_rm2.dat")):
            text = re.sub(r"(?m)^DEBYE.*$", f"DEBYE {TEMPERATURE:g} 0 {idwopt}", base)
            text = re.sub(r"(?m)^RPATH.*$", "RPATH 4.5", text)
            text = re.sub(r"(?m)^NLEG.*$", "NLEG 3", text)
            text = re.sub(r"(?m)^TITLE.*$", f"TITLE {case} force-constant sigma2 reference, DEBYE idwopt {idwopt}", text)
            springs = spring_inp(case, atoms)
            with tempfile.TemporaryDirectory() as tmp:
                (pathlib.Path(tmp) / "feff.inp").write_text(text)
                (pathlib.Path(tmp) / "spring.inp").write_text(springs)
                log = subprocess.run(["feff8l"], cwd=tmp, capture_output=True, text=True)
                if log.returncode != 0 or not (pathlib.Path(tmp) / out_name).exists():
                    raise SystemExit(f"feff8l failed for {case} idwopt {idwopt}:\n{log.stdout[-2000:]}\n{log.stderr[-2000:]}")
                shutil.copy(pathlib.Path(tmp) / out_name, dest / out_name)
                for keep in ("paths.dat", "spring.dat"):
                    shutil.copy(pathlib.Path(tmp) / keep, dest / keep)
                (dest / "feff.inp").write_text(re.sub(r"(?m)^DEBYE.*$", f"DEBYE {TEMPERATURE:g} 0 1", text).replace(f"idwopt {idwopt}", "idwopt 1/2"))
                (dest / "spring.inp").write_text(springs)
        (dest / "SOURCE.md").write_text(
            f"# sigma2_fc/{case}\n\n"
            "FEFF 8.5L (Debian feff85exafs) force-constant Debye–Waller factors: `DEBYE 300 0 1` (equation of\n"
            "motion, s2_em.dat) and `DEBYE 300 0 2` (recursion, s2_rm2.dat), with the springs of spring.inp, on the\n"
            f"cluster of ../{src}/feff.inp (RPATH 4.5, NLEG 3; feff.inp here shows idwopt 1, the runs differ only there).\n\n"
            f"* Command: `/usr/bin/python3 scripts/regen_sigma2_reference.py` ({datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC)\n"
            "* License: FEFF85EXAFS outputs (BSD-style FEFF85exafs license); inputs generated here.\n")
        print(case, "done")


if __name__ == "__main__":
    main()
