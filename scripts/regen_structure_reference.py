#!/usr/bin/python3
"""Regenerates the structure reference fixtures under tests/reference/structure/ with Debian's
pymatgen (python3-pymatgen 2022.11) and spglib 2.0.2. Run with Debian's Python:

    /usr/bin/python3 scripts/regen_structure_reference.py [--shared ../shared]

Writes
  pymatgen_corpus.jsonl   one line per structure of <shared>/data/structures: what pymatgen reads
                          (lattice matrix; site count; species in file order, run-length coded;
                          three checksums of the Cartesian coordinates) and the equivalence classes
                          of every 3d-metal site from SpacegroupAnalyzer(s).get_symmetrized_structure()
                          .equivalent_indices (default symprec 0.01, angle tolerance 5 degrees).
  files/*                 CIF (CifWriter, P1 and symmetrized), POSCAR (Poscar: direct, Cartesian,
                          selective dynamics, negative scale = volume) and XYZ/extended XYZ files
                          written from a selection of those structures. handwritten_* files are
                          kept as they are (they are not generated).
  files_expected.json     for every file in files/: what pymatgen's Structure.from_file reads
                          (lattice, species, fractional coordinates), its space-group number, and
                          the JSON structure it was written from (if any).
The C++ test (tests/core/structure/test_reference_corpus.cpp) reads only these fixtures.
"""
import argparse
import csv
import json
import os
import sys
import warnings
from pathlib import Path

import numpy as np
from pymatgen.core import Lattice, Molecule, Structure
from pymatgen.io.cif import CifWriter
from pymatgen.io.vasp import Poscar
from pymatgen.io.xyz import XYZ
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

warnings.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "reference" / "structure"
METALS_3D = {"Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn"}


def run_length(symbols):
    out = []
    for s in symbols:
        if out and out[-1][0] == s:
            out[-1][1] += 1
        else:
            out.append([s, 1])
    return "".join(f"{s}{n}" for s, n in out)


def corpus_entry(path):
    s = Structure.from_file(str(path))
    cart = s.cart_coords
    weights = np.arange(1, len(s) + 1, dtype=float)[:, None]
    sym = SpacegroupAnalyzer(s).get_symmetrized_structure()  # defaults: symprec 0.01, angle 5
    classes = [list(map(int, idx)) for idx in sym.equivalent_indices if s[idx[0]].specie.symbol in METALS_3D]
    return {
        "name": path.stem,
        "n_sites": len(s),
        "species": run_length([site.specie.symbol for site in s]),
        "lattice": s.lattice.matrix.tolist(),
        # Checksums of the Cartesian coordinates (Å): sum, index-weighted sum, sum of squares.
        "cart_sum": cart.sum(axis=0).tolist(),
        "cart_weighted_sum": (cart * weights).sum(axis=0).tolist(),
        "cart_sq_sum": float((cart * cart).sum()),
        "spacegroup_number": int(sym.spacegroup.int_number),
        "classes_3d": classes,
    }


def pick_structures(index_csv):
    """Two structures per crystal system (first by name) plus magnetite: deterministic."""
    rows = sorted(csv.DictReader(open(index_csv)), key=lambda r: r["structure"])
    systems = [(1, 2), (3, 15), (16, 74), (75, 142), (143, 167), (168, 194), (195, 230)]
    chosen = []
    for lo, hi in systems:
        hits = [r["structure"] for r in rows if lo <= int(r["spacegroup_number"]) <= hi and int(r["nsites"]) <= 40]
        chosen += hits[:2]
    if "Fe3O4_227_1" not in chosen:
        chosen.append("Fe3O4_227_1")
    return chosen


def expected_entry(path, json_source, same_order):
    is_poscar = path.suffix in (".vasp", ".poscar") or path.name.upper().startswith(("POSCAR", "CONTCAR"))
    if is_poscar:
        s = Poscar.from_file(str(path), check_for_POTCAR=False).structure
    elif path.suffix != ".xyz":
        s = Structure.from_file(str(path))
    else:  # plain XYZ is a molecule
        m = Molecule.from_file(str(path))
        return {"file": path.name, "periodic": False, "species": [x.specie.symbol for x in m],
                "cart": m.cart_coords.tolist(), "json": json_source, "same_order": same_order}
    return {
        "file": path.name,
        "periodic": True,
        "lattice": s.lattice.matrix.tolist(),
        "species": [x.specie.symbol for x in s],
        "frac": s.frac_coords.tolist(),
        "spacegroup_number": SpacegroupAnalyzer(s).get_space_group_number(),
        "json": json_source,
        "same_order": same_order,
    }


def write_extxyz(s, path):
    m = s.lattice.matrix
    lat = " ".join(f"{v:.16f}" for v in m.flatten())
    with open(path, "w") as f:
        f.write(f"{len(s)}\n")
        f.write(f'Lattice="{lat}" Properties=species:S:1:pos:R:3:magmom:R:1 pbc="T T T" comment="from pymatgen"\n')
        for site in s:
            x, y, z = site.coords
            f.write(f"{site.specie.symbol:2s} {x:22.16f} {y:22.16f} {z:22.16f} 0.0\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--skip-corpus", action="store_true", help="only regenerate files/ and files_expected.json")
    args = ap.parse_args()
    structures = Path(args.shared) / "data" / "structures"
    files = sorted(structures.glob("*.json"))
    OUT.mkdir(parents=True, exist_ok=True)

    if not args.skip_corpus:
        with open(OUT / "pymatgen_corpus.jsonl", "w") as f:
            for i, p in enumerate(files):
                f.write(json.dumps(corpus_entry(p), separators=(",", ":")) + "\n")
                if i % 200 == 0:
                    print(f"corpus {i}/{len(files)}", file=sys.stderr)

    fdir = OUT / "files"
    fdir.mkdir(exist_ok=True)
    for old in fdir.iterdir():
        if not old.name.startswith("handwritten_"):
            old.unlink()
    expected = []
    chosen = pick_structures(structures / "index.csv")
    for k, name in enumerate(chosen):
        s = Structure.from_file(str(structures / f"{name}.json"))
        src = f"{name}.json"
        CifWriter(s).write_file(fdir / f"{name}_P1.cif")
        expected.append(expected_entry(fdir / f"{name}_P1.cif", src, True))
        CifWriter(s, symprec=0.01).write_file(fdir / f"{name}_sym.cif")
        expected.append(expected_entry(fdir / f"{name}_sym.cif", src, False))
        Poscar(s).write_file(fdir / f"POSCAR_{name}")
        expected.append(expected_entry(fdir / f"POSCAR_{name}", src, True))
        if k % 3 == 0:  # Cartesian coordinates
            Path(fdir / f"{name}_cart.vasp").write_text(Poscar(s).get_string(direct=False))
            expected.append(expected_entry(fdir / f"{name}_cart.vasp", src, True))
        if k % 3 == 1:  # selective dynamics
            Poscar(s, selective_dynamics=[[True, True, False]] * len(s)).write_file(fdir / f"CONTCAR_{name}")
            expected.append(expected_entry(fdir / f"CONTCAR_{name}", src, True))
        if k % 3 == 2:  # negative scale factor = cell volume (Å^3), lattice written at another scale
            lines = Poscar(s).get_string().splitlines()
            lines[1] = f"-{s.volume:.12f}"
            for r in range(3):
                v = s.lattice.matrix[r] * 0.37
                lines[2 + r] = " ".join(f"{x:22.16f}" for x in v)
            Path(fdir / f"{name}_volume.poscar").write_text("\n".join(lines) + "\n")
            expected.append(expected_entry(fdir / f"{name}_volume.poscar", src, True))
        if k < 2:
            write_extxyz(s, fdir / f"{name}.extxyz")
            # pymatgen 2022.11 reads no extended XYZ: the expectation is the structure it was written from.
            expected.append({"file": f"{name}.extxyz", "periodic": True, "lattice": s.lattice.matrix.tolist(),
                             "species": [x.specie.symbol for x in s], "frac": s.frac_coords.tolist(),
                             "spacegroup_number": SpacegroupAnalyzer(s).get_space_group_number(),
                             "json": src, "same_order": True})
    # A plain XYZ cluster: the first 3d-metal site of the first chosen structure and its
    # neighbours within 4 Å, written by pymatgen's XYZ writer.
    s = Structure.from_file(str(structures / f"{chosen[0]}.json"))
    centre = next(i for i, x in enumerate(s) if x.specie.symbol in METALS_3D)
    nb = s.get_sites_in_sphere(s[centre].coords, 4.0)
    nb.sort(key=lambda n: (round(n.nn_distance, 5), n.index))
    mol = Molecule([n.specie for n in nb], [n.coords - s[centre].coords for n in nb])
    XYZ(mol).write_file(fdir / f"{chosen[0]}_cluster.xyz")
    expected.append(expected_entry(fdir / f"{chosen[0]}_cluster.xyz", None, False))
    for p in sorted(fdir.glob("handwritten_*")):
        expected.append(expected_entry(p, None, False))
    with open(OUT / "files_expected.json", "w") as f:
        json.dump(expected, f, indent=0)
    print(f"{len(files)} corpus structures, {len(expected)} files in files/", file=sys.stderr)


if __name__ == "__main__":
    main()
