#!/usr/bin/python3
"""Regenerates tests/reference/ensemble/cu256_snapshots/: FEFF 8.5L configuration average over
a few disordered snapshots of a 256-atom Cu cell (docs/physics.md §8.1 and §9).

Snapshots: 4x4x4 fcc Cu (a = 3.61 A), every atom displaced by a seeded Gaussian (0.065 A per
component, an Einstein-crystal-like thermal state with first-shell sigma^2 ~ 0.008 A^2), written
as extended XYZ (snapshot_N.xyz) so the tests read exactly the same geometry.
FEFF: feff8l_rdinp + feff8l_pot + feff8l_xsph ONCE on the ideal crystal (cluster 7 A), then per
(snapshot, absorber) only feff8l_rdinp, feff8l_pathfinder, feff8l_genfmt, feff8l_ff2x with the
snapshot's cluster (7 A around the absorber, same potentials, no DEBYE/SIG2 card: sigma^2 = 0),
RPATH 5.0, NLEG 3. Kept: phase00/01.dat, pot.json, pot_head.pad of the reference run, the
snapshots, chi_<snap>_<site>.dat (k, chi of each run) and chi_avg.dat (their plain average).

Usage: /usr/bin/python3 scripts/regen_ensemble_reference.py
"""
import datetime
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import regen_scattering_reference as rs  # noqa: E402  (cluster builder and feff.inp writer)

ROOT = os.path.dirname(HERE)
DEST = os.path.join(ROOT, "tests", "reference", "ensemble", "cu256_snapshots")
A = 3.61
N_SNAPSHOTS = 4
ABSORBERS = [0, 137]
RPATH, NLEG, RADIUS = 5.0, 3, 7.0
SIGMA_COMPONENT = 0.065
SEED = 7720261121


def supercell():
    lat1, fr = rs.fcc(A)
    lat = [[4 * A, 0, 0], [0, 4 * A, 0], [0, 0, 4 * A]]
    fracs = []
    for i in range(4):
        for j in range(4):
            for k in range(4):
                for f in fr:
                    fracs.append([(i + f[0]) / 4, (j + f[1]) / 4, (k + f[2]) / 4])
    return lat, fracs


def write_xyz(path, lat, cart, comment):
    with open(path, "w") as fh:
        fh.write(f"{len(cart)}\n")
        fh.write('Lattice="' + " ".join(f"{x:.8f}" for row in lat for x in row) +
                 f'" Properties=species:S:1:pos:R:3 pbc="T T T" {comment}\n')
        for c in cart:
            fh.write(f"Cu {c[0]:14.8f} {c[1]:14.8f} {c[2]:14.8f}\n")


def run(cmd, cwd):
    res = subprocess.run([cmd], cwd=cwd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"{cmd} failed in {cwd}:\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}")
    return res.stdout


def read_chi(path):
    rows = []
    with open(path) as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            v = line.split()
            rows.append((float(v[0]), float(v[1])))
    return rows


def main():
    if os.path.isdir(DEST):
        shutil.rmtree(DEST)
    os.makedirs(DEST)
    lat, fracs = supercell()
    ideal = rs.periodic_cluster(lat, [29] * len(fracs), fracs, 0, RADIUS)
    scratch = tempfile.mkdtemp(prefix="xasforge_ens_")
    rs.write_feff_inp(os.path.join(scratch, "feff.inp"), "Cu fcc ideal 4x4x4 reference potentials",
                      ideal, RPATH, NLEG, None)
    for prog in ["feff8l_rdinp", "feff8l_pot", "feff8l_xsph"]:
        run(prog, scratch)
    for f in ["phase00.dat", "phase01.dat", "pot.json"]:
        shutil.copy(os.path.join(scratch, f), DEST)
    rs.write_pot_pad_head(os.path.join(scratch, "pot.pad"), os.path.join(DEST, "pot_head.pad"))
    rng = random.Random(SEED)
    chis = []
    for s in range(N_SNAPSHOTS):
        cart = []
        for f in fracs:
            c = rs.frac_to_cart(lat, f)
            cart.append([x + rng.gauss(0.0, SIGMA_COMPONENT) for x in c])
        write_xyz(os.path.join(DEST, f"snapshot_{s}.xyz"), lat, cart, f"seed={SEED} snapshot={s}")
        # fractional coordinates of the displaced atoms for the cluster builder
        sfr = [[c[j] / (4 * A) for j in range(3)] for c in cart]
        for site in ABSORBERS:
            cl = rs.periodic_cluster(lat, [29] * len(sfr), sfr, site, RADIUS)
            rs.write_feff_inp(os.path.join(scratch, "feff.inp"), f"snapshot {s} site {site}", cl, RPATH, NLEG, None)
            for prog in ["feff8l_rdinp", "feff8l_pathfinder", "feff8l_genfmt", "feff8l_ff2x"]:
                run(prog, scratch)
            rows = read_chi(os.path.join(scratch, "chi.dat"))
            chis.append(rows)
            with open(os.path.join(DEST, f"chi_{s}_{site}.dat"), "w") as fh:
                fh.write(f"# FEFF 8.5L chi.dat (k, chi) snapshot {s} absorber site {site}\n")
                for k, c in rows:
                    fh.write(f"{k:8.4f} {c:14.6e}\n")
            npaths = sum(1 for line in open(os.path.join(scratch, "list.dat")) if line.strip()[:1].isdigit())
            print(f"snapshot {s} site {site}: {len(cl)} atoms, {npaths} paths in list.dat")
    with open(os.path.join(DEST, "chi_avg.dat"), "w") as fh:
        fh.write(f"# average of {len(chis)} FEFF chi.dat (k, chi)\n")
        for i in range(len(chis[0])):
            fh.write(f"{chis[0][i][0]:8.4f} {sum(c[i][1] for c in chis) / len(chis):14.6e}\n")
    # correlated-Debye reference spectrum of the ideal crystal (same RPATH/NLEG), full feff8l
    deb = tempfile.mkdtemp(prefix="xasforge_ens_debye_")
    for nleg, name in [(NLEG, "chi_debye300.dat"), (2, "chi_debye300_ss.dat")]:
        rs.write_feff_inp(os.path.join(deb, "feff.inp"), "Cu fcc ideal, DEBYE 300 315", ideal, RPATH, nleg, (300, 315))
        run("feff8l", deb)
        rows = read_chi(os.path.join(deb, "chi.dat"))
        with open(os.path.join(DEST, name), "w") as fh:
            fh.write(f"# FEFF 8.5L chi.dat (k, chi): ideal Cu, DEBYE 300 315 0, RPATH {RPATH}, NLEG {nleg}\n")
            for k, c in rows:
                fh.write(f"{k:8.4f} {c:14.6e}\n")
    shutil.rmtree(deb)
    ver = rs.feff_version()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with open(os.path.join(DEST, "SOURCE.md"), "w") as fh:
        fh.write(f"""# cu256_snapshots

FEFF 8.5L configuration average over {N_SNAPSHOTS} disordered snapshots x absorber sites {ABSORBERS}
of a 4x4x4 fcc Cu cell (256 atoms, a = 3.61 A), docs/physics.md §8.1 and §9.

* Tool: FEFF 8.5L, Debian package feff85exafs {ver}
* Snapshots: seeded Gaussian displacements ({SIGMA_COMPONENT} A per component, random.Random({SEED})),
  snapshot_N.xyz (extended XYZ)
* Commands: in one scratch folder, `feff8l_rdinp; feff8l_pot; feff8l_xsph` on the ideal crystal
  (cluster {RADIUS} A, RPATH {RPATH}, NLEG {NLEG}); then per (snapshot, site) a new feff.inp with the
  snapshot cluster and `feff8l_rdinp; feff8l_pathfinder; feff8l_genfmt; feff8l_ff2x`; no DEBYE/SIG2.
* Script: scripts/regen_ensemble_reference.sh
* Date: {now}
* Files: phase00.dat, phase01.dat, pot.json, pot_head.pad (reference potentials), snapshot_N.xyz,
  chi_S_SITE.dat (FEFF chi per run), chi_avg.dat (plain average), chi_debye300.dat (full `feff8l`
  on the ideal crystal with DEBYE 300 315 0, same RPATH/NLEG: the correlated-Debye spectrum) and
  chi_debye300_ss.dat (the same with NLEG 2: single scattering only)
* License: FEFF85EXAFS outputs (BSD-style FEFF85exafs license); inputs generated here.
""")
    shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
