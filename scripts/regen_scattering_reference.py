#!/usr/bin/python3
"""Regenerates tests/reference/scattering/<case>/ by running FEFF 8.5L (feff8l) on small inputs.

Usage: /usr/bin/python3 scripts/regen_scattering_reference.py [--keep-scratch] [case ...]

Each case writes feff.inp (cluster built here, in pure Python, from the structure), runs `feff8l`
in a scratch folder and copies the outputs the tests read (feff.inp, phaseNN.dat, paths.dat,
crit.dat, list.dat, chi.dat, files.dat, feffNNNN.dat where small enough, xsect.dat/mod not kept)
into tests/reference/scattering/<case>/ together with SOURCE.md.

Unique potentials: ipot 0 = absorber; then the absorber's element (if other atoms of it exist),
then the other elements by ascending Z (the same rule as core/scattering/feff_input.cpp).
"""
import datetime
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "reference", "scattering")
STRUCTURES = os.environ.get("XASFORGE_SHARED", os.path.join(ROOT, "..", "shared"))
STRUCTURES = os.path.join(STRUCTURES, "data", "structures")

SYMBOL = {1: "H", 8: "O", 26: "Fe", 28: "Ni", 29: "Cu", 30: "Zn"}
ZOF = {v: k for k, v in SYMBOL.items()}


def frac_to_cart(lat, f):
    return [sum(f[i] * lat[i][j] for i in range(3)) for j in range(3)]


def periodic_cluster(lat, species, fracs, absorber, radius):
    """Every image of every site within radius of site `absorber`; absorber first at origin."""
    a0 = frac_to_cart(lat, fracs[absorber])
    lens = [math.sqrt(sum(x * x for x in v)) for v in lat]
    # generous image range: the smallest perpendicular height bounds it; use volume / face area
    def cross(u, v):
        return [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]
    vol = abs(sum(a * b for a, b in zip(lat[0], cross(lat[1], lat[2]))))
    ranges = []
    for i in range(3):
        c = cross(lat[(i + 1) % 3], lat[(i + 2) % 3])
        h = vol / math.sqrt(sum(x * x for x in c))
        ranges.append(int(math.ceil(radius / h)) + 1)
    atoms = []
    for s, (z, f) in enumerate(zip(species, fracs)):
        for n0 in range(-ranges[0], ranges[0] + 1):
            for n1 in range(-ranges[1], ranges[1] + 1):
                for n2 in range(-ranges[2], ranges[2] + 1):
                    c = frac_to_cart(lat, [f[0] + n0, f[1] + n1, f[2] + n2])
                    d = [c[j] - a0[j] for j in range(3)]
                    r = math.sqrt(sum(x * x for x in d))
                    if r <= radius + 1e-8:
                        atoms.append((round(r, 5), s, (n0, n1, n2), z, d))
    atoms.sort(key=lambda t: (t[0], t[1], t[2]))
    assert atoms[0][0] == 0.0 and atoms[0][1] == absorber
    del lens
    return [(t[3], t[4]) for t in atoms]


def assign_potentials(cluster):
    zabs = cluster[0][0]
    others = sorted({z for z, _ in cluster[1:]})
    order = ([zabs] if zabs in others else []) + [z for z in others if z != zabs]
    ipot_of = {z: i + 1 for i, z in enumerate(order)}
    return [(0, zabs)] + [(ipot_of[z], z) for z in order], [0] + [ipot_of[z] for z, _ in cluster[1:]]


def write_feff_inp(path, title, cluster, rpath, nleg, debye, extra=""):
    pots, ipots = assign_potentials(cluster)
    lines = [f"TITLE {title}", "EDGE K", "S02 1.0", "CONTROL 1 1 1 1 1 1", "PRINT 0 2 0 1 0 3",
             "EXCHANGE 0 0 0", f"RPATH {rpath}", f"NLEG {nleg}"]
    if debye:
        lines.append(f"DEBYE {debye[0]} {debye[1]} 0")
    if extra:
        lines.append(extra)
    lines.append("")
    lines.append("POTENTIALS")
    lines.append("*  ipot   Z  tag")
    for ip, z in pots:
        lines.append(f"   {ip:4d} {z:4d}  {SYMBOL[z]}")
    lines.append("")
    lines.append("ATOMS")
    lines.append("*   x          y          z       ipot  tag   distance")
    for (z, d), ip in zip(cluster, ipots):
        r = math.sqrt(sum(x * x for x in d))
        lines.append(f"  {d[0]:10.5f} {d[1]:10.5f} {d[2]:10.5f}  {ip:3d}  {SYMBOL[z]:3s} {r:9.5f}")
    lines.append("END")
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")


def fcc(a):
    lat = [[a, 0, 0], [0, a, 0], [0, 0, a]]
    return lat, [[0, 0, 0], [0, .5, .5], [.5, 0, .5], [.5, .5, 0]]


def case_inputs():
    cases = {}
    lat, fr = fcc(3.61)
    cu = periodic_cluster(lat, [29] * 4, fr, 0, 7.0)
    cases["cu_ref"] = dict(cluster=cu, rpath=5.5, nleg=4, debye=(300, 315),
                           title="Cu fcc a=3.61 K edge, reference run", feff_dat=True)
    cases["cu_fcc"] = dict(cluster=cu, rpath=6.0, nleg=4, debye=(300, 315),
                           title="Cu fcc a=3.61 K edge RPATH 6 NLEG 4", feff_dat=True)
    cases["cu_nleg6"] = dict(cluster=cu, rpath=6.5,
                             nleg=6, debye=(300, 315), extra="CRITERIA 4.0 0.0",
                             title="Cu fcc a=3.61 K RPATH 6.5 NLEG 6 critpw 0 (deep MS paths, path list only)",
                             feff_dat=False, paths_only=True)
    a = 2.8665
    lat = [[a, 0, 0], [0, a, 0], [0, 0, a]]
    fe = periodic_cluster(lat, [26, 26], [[0, 0, 0], [.5, .5, .5]], 0, 7.0)
    cases["fe_bcc"] = dict(cluster=fe, rpath=6.0, nleg=4, debye=(300, 470),
                           title="Fe bcc a=2.8665 K edge", feff_dat=True)
    a = 4.177
    lat = [[a, 0, 0], [0, a, 0], [0, 0, a]]
    _, f4 = fcc(a)
    nio = periodic_cluster(lat, [28] * 4 + [8] * 4,
                           f4 + [[x + .5 if i == 0 else x for i, x in enumerate(f)] for f in f4], 0, 7.0)
    cases["nio"] = dict(cluster=nio, rpath=6.0, nleg=4, debye=(300, 500),
                        title="NiO rocksalt a=4.177 Ni K edge", feff_dat=True)
    a, c, u = 3.25, 5.207, 0.382
    lat = [[a, 0, 0], [-a / 2, a * math.sqrt(3) / 2, 0], [0, 0, c]]
    zno = periodic_cluster(lat, [30, 30, 8, 8],
                           [[1 / 3, 2 / 3, 0], [2 / 3, 1 / 3, .5], [1 / 3, 2 / 3, u], [2 / 3, 1 / 3, .5 + u]],
                           0, 7.0)
    cases["zno"] = dict(cluster=zno, rpath=6.0, nleg=4, debye=(300, 416),
                        title="ZnO wurtzite a=3.25 c=5.207 u=0.382 Zn K edge", feff_dat=True)
    with open(os.path.join(STRUCTURES, "mp-1692.json")) as fh:
        d = json.load(fh)
    lat = d["lattice"]["matrix"]
    species = [ZOF[s["species"][0]["element"]] for s in d["sites"]]
    fracs = [s["abc"] for s in d["sites"]]
    absorber = species.index(29)
    cuo = periodic_cluster(lat, species, fracs, absorber, 7.0)
    cases["cuo"] = dict(cluster=cuo, rpath=6.0, nleg=4, debye=(300, 400),
                        title="CuO mp-1692 (shared/data/structures) Cu K edge", feff_dat=True)
    # a hydride (native potentials, issue 15): NiH rocksalt, mp-24719 of shared/data/structures
    with open(os.path.join(STRUCTURES, "mp-24719.json")) as fh:
        d = json.load(fh)
    lat = d["lattice"]["matrix"]
    species = [ZOF[s["species"][0]["element"]] for s in d["sites"]]
    fracs = [s["abc"] for s in d["sites"]]
    nih = periodic_cluster(lat, species, fracs, species.index(28), 7.0)
    cases["nih"] = dict(cluster=nih, rpath=6.0, nleg=4, debye=(300, 400),
                        title="NiH mp-24719 (shared/data/structures) Ni K edge", feff_dat=False)
    # disordered 4x4x4 fcc supercell of Cu: 256 atoms, seeded Gaussian displacements
    # (sigma 0.05/sqrt(3) A per component, rms 0.05 A); absorber = the atom at cell (2,2,2).
    rng = random.Random(20261121)
    pos = []
    a = 3.61
    for i in range(4):
        for j in range(4):
            for k in range(4):
                for f in fr:
                    pos.append([(i + f[0]) * a, (j + f[1]) * a, (k + f[2]) * a])
    s = 0.05 / math.sqrt(3)
    pos = [[x + rng.gauss(0.0, s) for x in p] for p in pos]
    ia = min(range(len(pos)), key=lambda n: sum((pos[n][j] - 2 * a) ** 2 for j in range(3)))
    o = pos[ia]
    rel = [[p[j] - o[j] for j in range(3)] for p in pos]
    order = [ia] + sorted((n for n in range(len(pos)) if n != ia),
                          key=lambda n: (round(math.sqrt(sum(x * x for x in rel[n])), 5), n))
    dis = [(29, rel[n]) for n in order]
    cases["cu_disordered256"] = dict(cluster=dis, rpath=6.0, nleg=4, debye=None,
                                     extra="SIG2 0.0",
                                     title="disordered 256-atom Cu cluster (4x4x4 fcc, rms 0.05 A, seed 20261121)",
                                     feff_dat=False)
    return cases


KEEP = ["feff.inp", "paths.dat", "crit.dat", "list.dat", "chi.dat", "files.dat", "pot.json"]


def write_pot_pad_head(src, dest):
    """pot.pad is ~300 KB; the tests need only its header (title lines and the first PAD records:
    rnrmav, xmu, vint, ...). Keep the lines up to and including the first three PAD records."""
    with open(src) as fh:
        lines = fh.read().split("\n")
    ntitle = int(lines[0].split()[0])
    with open(dest, "w") as fh:
        fh.write("\n".join(lines[:1 + ntitle + 3]) + "\n")


def feff_version():
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", "feff85exafs"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except Exception:
        return "unknown"


def run_case(name, spec, keep_scratch=False):
    scratch = tempfile.mkdtemp(prefix=f"xasforge_feff_{name}_")
    write_feff_inp(os.path.join(scratch, "feff.inp"), spec["title"], spec["cluster"], spec["rpath"],
                   spec["nleg"], spec["debye"], spec.get("extra", ""))
    res = subprocess.run(["feff8l"], cwd=scratch, capture_output=True, text=True)
    if res.returncode != 0 or not os.path.exists(os.path.join(scratch, "chi.dat")):
        sys.exit(f"feff8l failed for {name} in {scratch}:\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}")
    dest = os.path.join(OUT, name)
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    files = sorted(os.listdir(scratch))
    kept = []
    for f in files:
        if spec.get("paths_only") and f not in ("feff.inp", "paths.dat", "crit.dat", "pot.json") and not (
                f.startswith("phase") and f.endswith(".dat")):
            continue
        keep = f in KEEP or (f.startswith("phase") and f.endswith(".dat"))
        keep = keep or (spec["feff_dat"] and f.startswith("feff") and f.endswith(".dat") and f[4:8].isdigit())
        if keep:
            shutil.copy(os.path.join(scratch, f), dest)
            kept.append(f)
    write_pot_pad_head(os.path.join(scratch, "pot.pad"), os.path.join(dest, "pot_head.pad"))
    kept.append("pot_head.pad (first lines of pot.pad)")
    with open(os.path.join(dest, "feff8l.log"), "w") as fh:
        fh.write(res.stdout)
    kept.append("feff8l.log")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with open(os.path.join(dest, "SOURCE.md"), "w") as fh:
        fh.write(f"# {name}\n\n{spec['title']}\n\n"
                 f"* Tool: FEFF 8.5L, Debian package feff85exafs {feff_version()}\n"
                 f"* Input: feff.inp written by scripts/regen_scattering_reference.py "
                 f"({len(spec['cluster'])} atoms, RPATH {spec['rpath']}, NLEG {spec['nleg']})\n"
                 f"* Command: `feff8l` run in a scratch folder holding only feff.inp "
                 f"(via scripts/regen_scattering_reference.sh)\n"
                 f"* Date: {now}\n"
                 f"* Files kept: {', '.join(kept)}\n"
                 f"* License: FEFF85EXAFS outputs (BSD-style FEFF85exafs license); inputs generated here.\n")
    if not keep_scratch:
        shutil.rmtree(scratch)
    print(f"{name}: {len(spec['cluster'])} atoms, kept {len(kept)} files")


def main(argv):
    keep = "--keep-scratch" in argv
    names = [a for a in argv if not a.startswith("--")]
    cases = case_inputs()
    # nih only when named: FEFF's pot runs for tens of minutes on this hydride
    for n in names or [c for c in cases if c != "nih"]:
        run_case(n, cases[n], keep)


if __name__ == "__main__":
    main(sys.argv[1:])
