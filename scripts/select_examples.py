#!/usr/bin/python3
"""Choose the bundled demo structures from ../shared/data/structures and copy them into
examples/structures/, writing examples/structures/SOURCE.md (provenance and licenses).

Selection (seeded, reproducible): structures of at most 12 sites per cell whose labelled
3d-metal sites all have a CrystalNN coordination number in {4, 6, 8, 12} (the four classes the
bundled measured spectra cover), about 75 symmetry-unique sites per class.

Usage: /usr/bin/python3 scripts/select_examples.py [SHARED_DIR]
"""
import collections, csv, os, random, shutil, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared")
src = os.path.join(shared, "data", "structures")
dst = os.path.join(root, "examples", "structures")
classes = {4, 6, 8, 12}
per_class = 75

index = {r["structure"]: r for r in csv.DictReader(open(os.path.join(src, "index.csv")))}
sites = collections.defaultdict(list)
for r in csv.DictReader(open(os.path.join(src, "crystalnn_labels.csv"))):
    sites[r["structure"]].append(int(r["cn"]))
names = sorted(s for s, cns in sites.items()
               if int(index[s]["nsites"]) <= 12 and all(c in classes for c in cns))
random.Random(20261121).shuffle(names)
count = collections.Counter()
chosen = []
for s in names:
    cns = collections.Counter(sites[s])
    if any(count[c] + n > per_class for c, n in cns.items()):
        continue
    chosen.append(s)
    count.update(cns)
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
    out.write("Copied unchanged from `../shared/data/structures` by `scripts/select_examples.py` "
              "(selection rule in that script).\n")
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
