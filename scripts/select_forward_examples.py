#!/usr/bin/python3
"""Choose the structures of the forward (SOAP -> chi(k)) example campaign from
../shared/data/structures and copy them into examples/forward/structures/, writing SOURCE.md
(provenance and licenses) there.

Selection (deterministic): every Fe compound of at most 40 sites per cell whose elements all lie
in SPECIES below, so one SOAP species list covers the whole set (the published forward model,
HKHLR project 3879, predicted Fe K-edge spectra of Fe-Co compounds from SOAP with a random forest).

Usage: /usr/bin/python3 scripts/select_forward_examples.py [SHARED_DIR]
"""
import csv, os, re, shutil, sys

SPECIES = ["B", "C", "N", "O", "Al", "Si", "P", "S", "Fe", "Co", "Ni", "Ga", "Ge", "As", "Se"]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared")
src = os.path.join(shared, "data", "structures")
dst = os.path.join(root, "examples", "forward", "structures")
licenses = {
    "materialsvirtuallab/matcalc": "BSD-3-Clause",
    "OPRYAN90/cdvae": "MIT",
    "trachote/predict_elastic_tensor": "MIT",
    "hackingmaterials/materials-coord": "BSD-style (LBNL)",
}

rows = list(csv.DictReader(open(os.path.join(src, "index.csv"))))
chosen = []
for r in rows:
    elements = set(re.findall(r"[A-Z][a-z]?", r["formula"]))
    if "Fe" in elements and elements <= set(SPECIES) and int(r["nsites"]) <= 40:
        chosen.append(r)
chosen.sort(key=lambda r: r["structure"])
os.makedirs(dst, exist_ok=True)
for f in os.listdir(dst):
    if f.endswith(".json"):
        os.remove(os.path.join(dst, f))
for r in chosen:
    shutil.copy(os.path.join(src, r["structure"] + ".json"), dst)
with open(os.path.join(dst, "SOURCE.md"), "w") as out:
    out.write("# Structures of the forward (SOAP -> chi) example\n\n")
    out.write("Copied unchanged from `../shared/data/structures` by `scripts/select_forward_examples.py` "
              "(selection rule in that script): every Fe compound of at most 40 sites whose elements are "
              "among " + ", ".join(SPECIES) + ".\n")
    out.write("pymatgen `Structure.as_dict()` JSON. Materials Project data are published by the "
              "Materials Project under CC BY 4.0; the repositories they were taken from and their "
              "licenses are listed per file.\n\n")
    out.write(f"{len(chosen)} structures.\n\n")
    out.write("| file | formula | space group | sites | source repository | path | license |\n"
              "|---|---|---|---|---|---|---|\n")
    for r in chosen:
        out.write(f"| {r['structure']}.json | {r['formula']} | {r['spacegroup_number']} | {r['nsites']} | "
                  f"{r['source_repository']} | {r['source_path']} | {licenses.get(r['source_repository'], 'see repository')} |\n")
print(f"{len(chosen)} structures -> {dst}")
