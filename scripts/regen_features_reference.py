#!/usr/bin/env python3
"""Reference values for core/features from pymatgen 2022.11 (Debian python3-pymatgen).

Run with Debian's Python: /usr/bin/python3 scripts/regen_features_reference.py MODE ...

  cn STRUCTURE.json SITE    pymatgen's CrystalNN intermediates for one site: Voronoi solid
                            angles, areas, weights after each step, CN probabilities and CN.
                            Compare with `xasforge cn STRUCTURE.json --site SITE --json`.
  weights OUT.csv [N]       for the first N (default 300) rows of crystalnn_labels.csv: the CN,
                            pymatgen's P(CN) of that CN, and the weighted-mode CN
                            (CrystalNN(weighted_cn=True).get_cn(s, i, use_weights=True)).
  all-sites OUT.csv [N]     pymatgen CrystalNN CN of every symmetry-unique site (all elements)
                            of the first N structures (default all) of
                            ../shared/data/structures, as structure,site,element,cn. Used to
                            check agreement beyond the 3d-metal labels (see docs/features.md).

The 3d-metal labels the test uses (crystalnn_labels.csv) come with the shared data set and are
not regenerated here.
"""
import csv
import math
import os
import sys
import warnings

warnings.filterwarnings("ignore")

from pymatgen.analysis.local_env import CrystalNN, VoronoiNN, _get_default_radius  # noqa: E402
from pymatgen.core import Structure  # noqa: E402
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
STRUCTURES = os.path.join(HERE, "..", "..", "shared", "data", "structures")


def explain(path, n):
    s = Structure.from_file(path)
    vnn = VoronoiNN(weight="solid_angle", cutoff=7)
    nn = vnn.get_nn_info(s, n)
    x1 = s[n].specie.X
    print(f"{path} site {n} {s[n].specie}")
    for e in sorted(nn, key=lambda e: -e["weight"]):
        pi = e["poly_info"]
        w = e["weight"] * pi["solid_angle"] / pi["area"]
        x2 = e["site"].specie.X
        chem = 1 if (math.isnan(x1) or math.isnan(x2)) else 1 + 3.0 * math.sqrt(abs(x1 - x2) / 3.3)
        d = float(((s[n].coords - e["site"].coords) ** 2).sum() ** 0.5)  # the image's distance
        r = _get_default_radius(s[n]) + _get_default_radius(e["site"])
        print(f"  {e['site'].specie!s:3} idx {e['site_index']:3} d {d:8.4f} omega {pi['solid_angle']:.6f} "
              f"area {pi['area']:.6f} w_sa {e['weight']:.6f} w_porous {w:.6f} w_chem {w * chem:.6f} r_sum {r:.3f}")
    data = CrystalNN().get_nn_data(s, n)
    print("  CN probabilities:", {k: round(v, 6) for k, v in data.cn_weights.items()})
    print("  CN:", CrystalNN().get_cn(s, n))


def all_sites(out, limit):
    names = sorted(f[:-5] for f in os.listdir(STRUCTURES) if f.endswith(".json"))[:limit]
    cnn = CrystalNN()
    with open(out, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["structure", "site", "element", "cn"])
        for name in names:
            s = Structure.from_file(os.path.join(STRUCTURES, name + ".json"))
            eq = SpacegroupAnalyzer(s).get_symmetrized_structure().equivalent_indices
            for cls in sorted(eq, key=min):
                i = min(cls)
                try:
                    cn = cnn.get_cn(s, i)
                except Exception as exc:  # report, keep going
                    cn = f"error: {exc}"
                w.writerow([name, i, s[i].specie.symbol, cn])
            fh.flush()


def weights(out, limit):
    rows = list(csv.DictReader(open(os.path.join(STRUCTURES, "crystalnn_labels.csv"))))[:limit]
    plain, weighted = CrystalNN(), CrystalNN(weighted_cn=True)
    with open(out, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["structure", "site", "cn", "p_cn", "weighted_cn"])
        for row in rows:
            s = Structure.from_file(os.path.join(STRUCTURES, row["structure"] + ".json"))
            i = int(row["site_index"])
            data = plain.get_nn_data(s, i)
            cn = plain.get_cn(s, i)
            wcn = weighted.get_cn(s, i, use_weights=True)
            w.writerow([row["structure"], i, cn, repr(float(data.cn_weights[cn])), repr(float(wcn))])


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "cn":
        explain(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) >= 3 and sys.argv[1] == "weights":
        weights(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 300)
    elif len(sys.argv) >= 3 and sys.argv[1] == "all-sites":
        all_sites(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else None)
    else:
        print(__doc__)
        sys.exit(2)
