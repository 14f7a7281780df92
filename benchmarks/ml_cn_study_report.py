#!/usr/bin/python3
"""Summary of benchmarks/cn_study.sh: for every out-of-fold prediction file (item, z, group, fold,
true, predicted) the accuracy, macro-F1, accuracy within ±1 CN and per-element accuracy; the
confusion matrix of the best configuration; importance against R of the final model; the
learning curve. Writes SUMMARY.json beside the inputs and prints the tables.
Usage: ml_cn_study_report.py OUTDIR
"""
import csv
import glob
import json
import os
import sys

import numpy as np

out = sys.argv[1]
SYMBOL = {21: "Sc", 22: "Ti", 23: "V", 24: "Cr", 25: "Mn", 26: "Fe", 27: "Co", 28: "Ni", 29: "Cu", 30: "Zn"}


def scores(rows):
    t = np.array([int(r["true"]) for r in rows])
    p = np.array([int(r["predicted"]) for r in rows])
    f1 = []
    for c in sorted(set(t)):
        tp = np.sum((p == c) & (t == c))
        prec = tp / max(1, np.sum(p == c))
        rec = tp / max(1, np.sum(t == c))
        f1.append(0.0 if tp == 0 else 2 * prec * rec / (prec + rec))
    return {"rows": len(rows), "accuracy": float(np.mean(t == p)), "macro_f1": float(np.mean(f1)),
            "within_one": float(np.mean(np.abs(t - p) <= 1))}


summary = {"configurations": {}, "per_element_models": {}, "learning_curve": []}
for path in sorted(glob.glob(os.path.join(out, "oof_*.csv"))):
    name = os.path.basename(path)[4:-4]
    rows = list(csv.DictReader(open(path)))
    s = scores(rows)
    s["per_element"] = {SYMBOL.get(int(z), z): scores([r for r in rows if r["z"] == z])
                        for z in sorted({r["z"] for r in rows}, key=int)}
    target = summary["per_element_models"] if name.startswith("element_") else summary["configurations"]
    target[name] = s
pooled = {k: v for k, v in summary["configurations"].items()}
print(f"{'configuration (5-fold CV)':40s} {'rows':>6s} {'accuracy':>9s} {'macro-F1':>9s} {'±1':>7s}")
for name, s in sorted(pooled.items(), key=lambda kv: -kv[1]["accuracy"]):
    print(f"{name:40s} {s['rows']:6d} {s['accuracy']:9.4f} {s['macro_f1']:9.4f} {s['within_one']:7.4f}")
if summary["per_element_models"]:
    rows = []
    for name, s in summary["per_element_models"].items():
        rows += list(csv.DictReader(open(os.path.join(out, f"oof_{name}.csv"))))
    combined = scores(rows)
    summary["per_element_combined"] = combined
    print(f"{'per-element models, all elements':40s} {combined['rows']:6d} {combined['accuracy']:9.4f} "
          f"{combined['macro_f1']:9.4f} {combined['within_one']:7.4f}")
best = max((k for k in pooled if k.startswith("grouped_") and not k.endswith("_sklearn")), key=lambda k: pooled[k]["accuracy"],
           default=None)
if best:
    summary["best"] = best
    print(f"\nper element, {best}:")
    for el, s in pooled[best]["per_element"].items():
        line = f"  {el:3s} {s['rows']:5d} sites  accuracy {s['accuracy']:.4f}  macro-F1 {s['macro_f1']:.4f}  ±1 {s['within_one']:.4f}"
        pe = summary["per_element_models"].get(f"element_{el}")
        if pe:
            line += f"   (per-element model {pe['accuracy']:.4f})"
        print(line)
    rows = list(csv.DictReader(open(os.path.join(out, f"oof_{best}.csv"))))
    classes = sorted({int(r["true"]) for r in rows} | {int(r["predicted"]) for r in rows})
    cm = [[sum(1 for r in rows if int(r["true"]) == a and int(r["predicted"]) == b) for b in classes] for a in classes]
    summary["confusion"] = {"classes": classes, "counts": cm}
    print(f"\nconfusion, {best} (rows: true CN, columns: predicted)")
    print("      " + "".join(f"{c:6d}" for c in classes))
    for a, row in zip(classes, cm):
        print(f"  {a:3d} " + "".join(f"{v:6d}" for v in row))
metrics = os.path.join(out, "final_metrics.json")
if os.path.exists(metrics):
    m = json.load(open(metrics))
    imp = m.get("mdi_importance", [])
    labels = m.get("feature_labels", [])
    bins = {}
    for v, lab in zip(imp, labels):
        if "@" not in lab or lab.startswith("chik") or "_k@" in lab:
            key = "peaks / k-space"
        else:
            r = float(lab.split("@")[1])
            key = f"R {int(r)}-{int(r) + 1} Å"
        bins[key] = bins.get(key, 0.0) + v
    summary["importance_by_R"] = bins
    print("\nimportance of the final model against R (summed split gain):")
    for key in sorted(bins):
        print(f"  {key:16s} {bins[key]:.3f}")
for path in sorted(glob.glob(os.path.join(out, "curve_*.json"))):
    m = json.load(open(path))
    frac = float(os.path.basename(path)[6:-5])
    summary["learning_curve"].append({"fraction": frac, "rows": m["n_train"], "cv_accuracy": m["cv"][0]["mean_score"]})
if summary["learning_curve"]:
    print("\nlearning curve (structure-grouped 5-fold CV, best configuration):")
    for p in sorted(summary["learning_curve"], key=lambda p: p["fraction"]):
        print(f"  {p['fraction']:5.3f} of the structures: {p['rows']:5d} sites, accuracy {p['cv_accuracy']:.4f}")
json.dump(summary, open(os.path.join(out, "SUMMARY.json"), "w"), indent=1)
