#!/usr/bin/python3
"""Bundle the demo structures: copy every structure of ../shared/data/structures (each has at
least one symmetry-unique 3d-metal absorber site with a CrystalNN label) into
examples/structures/, writing examples/structures/SOURCE.md (provenance and licenses).

All 1,433 structures (2.7 MB of JSON) are bundled so that the demo's model learns from every
3d-metal environment the corpus holds, not a balanced subset of four CN classes.

Usage: /usr/bin/python3 scripts/select_examples.py [SHARED_DIR]
"""
import collections, csv, os, shutil, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared")
src = os.path.join(shared, "data", "structures")
dst = os.path.join(root, "examples", "structures")

index = {r["structure"]: r for r in csv.DictReader(open(os.path.join(src, "index.csv")))}
sites = collections.defaultdict(list)
for r in csv.DictReader(open(os.path.join(src, "crystalnn_labels.csv"))):
    sites[r["structure"]].append(int(r["cn"]))
chosen = sorted(s for s in sites if s in index)
count = collections.Counter()
for s in chosen:
    count.update(sites[s])
chosen.sort()
os.makedirs(dst, exist_ok=True)
for f in os.listdir(dst):
    if f.endswith(".json"):
        os.remove(os.path.join(dst, f))
for s in chosen:
    shutil.copy(os.path.join(src, s + ".json"), dst)

licenses = {
    "materialsvirtuallab/matcalc": "BSD-3-Clause",
    "OPRYAN90/cdvae": "MIT",
    "trachote/predict_elastic_tensor": "MIT",
    "hackingmaterials/materials-coord": "BSD-style (LBNL)",
}
with open(os.path.join(dst, "SOURCE.md"), "w") as out:
    out.write("# Bundled demo structures\n\n")
    out.write("Copied unchanged from `../shared/data/structures` (its README: the released 70 % of a "
              "deduplicated corpus of ordered structures with a 3d metal) by `scripts/select_examples.py`: "
              "every structure.\n")
    out.write("pymatgen `Structure.as_dict()` JSON. Materials Project data are published by the "
              "Materials Project under CC BY 4.0; the repositories they were taken from and "
              "their licenses are listed per file.\n\n")
    out.write(f"{len(chosen)} structures, {sum(count.values())} symmetry-unique 3d-metal sites; "
              f"sites per CrystalNN CN: " + ", ".join(f"{c}: {count[c]}" for c in sorted(count)) + "\n\n")
    out.write("| file | formula | space group | sites | source repository | path | license |\n|---|---|---|---|---|---|---|\n")
    for s in chosen:
        r = index[s]
        out.write(f"| {s}.json | {r['formula']} | {r['spacegroup_number']} | {r['nsites']} | "
                  f"{r['source_repository']} | {r['source_path']} | {licenses.get(r['source_repository'], '?')} |\n")
print(len(chosen), "structures;", dict(sorted(count.items())))
