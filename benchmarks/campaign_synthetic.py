#!/usr/bin/python3
"""Synthetic structure sets for benchmarks/campaign_scale.sh: N structures, each a seeded
perturbation of one of the bundled structures (../shared/data/structures, taken in turn).

The perturbation is an isotropic strain of the lattice by a factor drawn uniformly from
[0.97, 1.03] (seeded by the structure number): fractional coordinates are kept, so every copy has
its source's space group and symmetry classes (the planning cost and the item count per structure
stay those of real structures), while its cell, distances and hence every label differ.

usage: campaign_synthetic.py N OUT_DIR [--seed S] [--source DIR]
"""
import argparse
import glob
import json
import os
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--source", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data",
                                                       "structures"))
    a = ap.parse_args()
    sources = sorted(glob.glob(os.path.join(a.source, "*.json")))
    if not sources:
        raise SystemExit(f"no structures in {a.source}")
    docs = [json.load(open(f)) for f in sources]
    os.makedirs(a.out, exist_ok=True)
    for i in range(a.n):
        doc = docs[i % len(docs)]
        f = random.Random(a.seed * 1000003 + i).uniform(0.97, 1.03)
        lattice = doc["lattice"]
        out = {"@module": doc["@module"], "@class": doc["@class"], "charge": doc.get("charge", 0),
               "lattice": {"matrix": [[f * x for x in row] for row in lattice["matrix"]],
                           "pbc": lattice.get("pbc", [True, True, True])},
               "sites": [{"species": s["species"], "abc": s["abc"], "label": s.get("label", ""), "properties": {}}
                         for s in doc["sites"]]}
        stem = os.path.splitext(os.path.basename(sources[i % len(sources)]))[0]
        with open(os.path.join(a.out, f"s{i:06d}_{stem}.json"), "w") as fh:
            json.dump(out, fh)


if __name__ == "__main__":
    main()
