#!/usr/bin/python3
"""Report of a finished campaign: plots (PNG) and a Markdown summary plus a metrics JSON.

Reads the results file with Debian's h5py, the training metrics written by
`xasforge train --metrics-json`, and the predictions of `xasforge predict --probabilities`.

Usage (scripts/demo.sh calls it this way):
  /usr/bin/python3 scripts/report.py --results results/demo.h5 --metrics results/demo_metrics.json \
      --predictions results/demo_predictions.csv --manifest examples/spectra/manifest.csv \
      [--regression-predictions results/forward_soap_predictions.csv] \
      --out results/report
Writes OUT/report.md, OUT/metrics.json and OUT/*.png. With only --regression-predictions (the
held-out predictions of `xasforge train --predictions` for a forward SOAP -> chi model;
scripts/demo_forward.sh) it writes the forward model's parity plot and report.
"""
import argparse, csv, json, os, sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import h5py

SYMBOLS = ("H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As "
           "Se Br Kr").split()
PUBLISHED = "70–80 % (random forests / neural networks on |χ(R)|, 3d transition metals; seeds/ talks)"


def symbol(z):
    z = int(z)
    return SYMBOLS[z - 1] if 1 <= z <= len(SYMBOLS) else f"Z{z}"


def read_results(path):
    with h5py.File(path, "r") as f:
        status = f["items/status"][()]
        done = status == 1
        out = {"n_items": int(status.size), "n_done": int(done.sum()), "n_failed": int((status == 2).sum())}
        out["z"] = f["items/z"][()][done] if "items/z" in f else None
        out["cn"] = f["labels/cn"][()][done] if "labels/cn" in f else None
        if "spectra/chi" in f:
            out["k"] = f["spectra/k"][()]
            out["chi"] = f["spectra/chi"][()][done]
        if "features/chir_mag" in f:
            out["r"] = f["features/r"][()]
            out["chir"] = f["features/chir_mag"][()][done]
        if "items/key" in f:
            keys = f["items/key"][()][done]
            out["keys"] = [k.decode() if isinstance(k, bytes) else str(k) for k in keys]
    return out


def plot_examples(res, out_dir):
    if "chi" not in res or res["cn"] is None:
        return None
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    shown = 0
    for cn in sorted(set(int(c) for c in res["cn"] if c == c)):
        idx = np.where(res["cn"] == cn)[0]
        if idx.size == 0:
            continue
        i = idx[0]
        label = f"CN {cn}" + (f" ({res['keys'][i]})" if "keys" in res else "")
        ax1.plot(res["k"], res["chi"][i] * res["k"] ** 2, lw=1.2, label=label)
        if "chir" in res:
            ax2.plot(res["r"], res["chir"][i], lw=1.2, label=label)
        shown += 1
        if shown == 5:
            break
    ax1.set_xlabel("k (Å$^{-1}$)"); ax1.set_ylabel("k$^2$ χ(k) (Å$^{-2}$)")
    ax1.set_title("Simulated EXAFS χ(k), one absorber per CN"); ax1.set_xlim(0, 16); ax1.legend(fontsize=7)
    ax2.set_xlabel("R (Å)"); ax2.set_ylabel("|χ(R)| (Å$^{-3}$)")
    ax2.set_title("Fourier transform |χ(R)| (k² weight, Hanning)"); ax2.set_xlim(0, 6); ax2.legend(fontsize=7)
    fig.tight_layout()
    path = os.path.join(out_dir, "chi_examples.png"); fig.savefig(path, dpi=120); plt.close(fig)
    return path


def plot_confusion(metrics, out_dir):
    conf = metrics.get("confusion") or metrics.get("cv_confusion")
    if not conf:
        return None
    classes, counts = conf["classes"], np.array(conf["counts"], dtype=float)
    fig, ax = plt.subplots(figsize=(5.2, 4.6))
    frac = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    im = ax.imshow(frac, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(classes)):
        for j in range(len(classes)):
            ax.text(j, i, int(counts[i, j]), ha="center", va="center",
                    color="white" if frac[i, j] > 0.5 else "black", fontsize=9)
    ax.set_xticks(range(len(classes))); ax.set_xticklabels(classes)
    ax.set_yticks(range(len(classes))); ax.set_yticklabels(classes)
    ax.set_xlabel("predicted CN"); ax.set_ylabel("true CN (CrystalNN)")
    ax.set_title("Confusion matrix (held-out sites)")
    fig.colorbar(im, ax=ax, label="fraction of true class")
    fig.tight_layout()
    path = os.path.join(out_dir, "confusion_matrix.png"); fig.savefig(path, dpi=120); plt.close(fig)
    return path


def plot_importance(metrics, res, out_dir):
    imp = metrics.get("mdi_importance")
    if not imp:
        return None
    imp = np.asarray(imp)
    r = res.get("r")
    x = r if r is not None and len(r) == len(imp) else np.arange(len(imp))
    fig, ax = plt.subplots(figsize=(7, 3.8))
    ax.plot(x, imp, lw=1.2, color="tab:red")
    ax.set_xlabel("R (Å)" if x is r else "feature index")
    ax.set_ylabel("mean decrease in impurity")
    ax.set_title("Random-forest feature importance along |χ(R)|")
    if x is r:
        ax.set_xlim(0, min(8, float(x[-1])))
    fig.tight_layout()
    path = os.path.join(out_dir, "feature_importance.png"); fig.savefig(path, dpi=120); plt.close(fig)
    return path


def plot_per_element(metrics, out_dir):
    per = metrics.get("per_element")
    if not per:
        return None
    zs = sorted(per, key=int)
    acc = [per[z]["accuracy"] * 100 for z in zs]
    rows = [per[z]["rows"] for z in zs]
    fig, ax = plt.subplots(figsize=(7, 3.8))
    bars = ax.bar([symbol(z) for z in zs], acc, color="tab:blue")
    for b, n in zip(bars, rows):
        ax.text(b.get_x() + b.get_width() / 2, b.get_height() + 1, f"n={n}", ha="center", fontsize=8)
    ax.axhspan(70, 80, color="tab:orange", alpha=0.2, label="published range (70–80 %)")
    ax.set_ylim(0, 105); ax.set_ylabel("CN accuracy (%)"); ax.set_xlabel("absorbing element")
    ax.set_title("Accuracy per element (held-out sites)"); ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    path = os.path.join(out_dir, "per_element_accuracy.png"); fig.savefig(path, dpi=120); plt.close(fig)
    return path


def plot_reliability(metrics, out_dir):
    """Reliability diagram of the calibration (`xasforge train --calibrate`): per confidence bin
    of the out-of-fold rows, the fraction right against the mean top probability, before and
    after temperature scaling; the diagonal is perfect calibration."""
    cal = metrics.get("calibration")
    if not cal:
        return None
    bins = cal["reliability"]
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], color="grey", lw=1, ls="--", label="perfect calibration")
    for key, colour, name in (("before", "tab:red", "forest probabilities"), ("after", "tab:blue", "calibrated")):
        xs = [b[f"confidence_{key}"] for b in bins if b[f"count_{key}"] > 0]
        ys = [b[f"accuracy_{key}"] for b in bins if b[f"count_{key}"] > 0]
        ece = cal[f"ece_{key}"]
        ax.plot(xs, ys, "o-", color=colour, label=f"{name} (ECE {ece:.3f})")
    ax.set_xlabel("top-class probability (bin mean)")
    ax.set_ylabel("fraction right")
    ax.set_xlim(0, 1); ax.set_ylim(0, 1)
    ax.set_title(f"reliability, {cal['rows']} out-of-fold rows, T = {cal['temperature']:.2f}")
    ax.legend(loc="upper left", fontsize=8)
    path = os.path.join(out_dir, "reliability.png"); fig.savefig(path, dpi=120); plt.close(fig)
    return path


def read_forward_predictions(path):
    """`xasforge train --predictions` CSV of a regression: item, x (k in 1/Å), true, predicted."""
    rows = list(csv.DictReader(line for line in open(path) if not line.startswith("#")))
    header = next((line[1:].strip() for line in open(path) if line.startswith("#")), "")
    by_item = {}
    for r in rows:
        by_item.setdefault(int(r["item"]), []).append((float(r["x"]), float(r["true"]), float(r["predicted"])))
    items = sorted(by_item)
    x = np.array([t[0] for t in by_item[items[0]]])
    true = np.array([[t[1] for t in by_item[i]] for i in items])
    pred = np.array([[t[2] for t in by_item[i]] for i in items])
    return items, x, true, pred, header


def r2_uniform(true, pred):
    """R² per output, averaged uniformly over outputs (scikit-learn's multioutput='uniform_average')."""
    ss_res = ((true - pred) ** 2).sum(axis=0)
    ss_tot = ((true - true.mean(axis=0)) ** 2).sum(axis=0)
    return float(np.mean(1 - ss_res / np.where(ss_tot > 0, ss_tot, 1)))


def plot_parity(predictions_path, out_dir, weight_label="k²χ(k) (Å⁻²)"):
    """Parity plot and three held-out spectra, true against predicted, of the forward model."""
    items, x, true, pred, header = read_forward_predictions(predictions_path)
    r2 = r2_uniform(true, pred)
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4.4), gridspec_kw={"width_ratios": [1, 1.4]})
    ax.plot(true.ravel(), pred.ravel(), ".", ms=1.5, alpha=0.4)
    lim = [min(true.min(), pred.min()), max(true.max(), pred.max())]
    ax.plot(lim, lim, "k--", lw=0.8, label="y = x")
    ax.set_xlabel(f"{weight_label}, path expansion"); ax.set_ylabel(f"{weight_label}, predicted from SOAP")
    ax.set_title(f"Held-out sites: R² = {r2:.3f} ({len(items)} spectra)"); ax.legend(fontsize=8)
    err = ((true - pred) ** 2).mean(axis=1)
    picks = [int(np.argsort(err)[q]) for q in (0, len(err) // 2, len(err) - 1)]
    for n, (i, what) in enumerate(zip(picks, ("best", "median", "worst"))):
        off = -2.5 * n * max(1e-12, np.abs(true).max())
        bx.plot(x, true[i] + off, "k-", lw=1.2, label="path expansion" if n == 0 else None)
        bx.plot(x, pred[i] + off, "C1--", lw=1.2, label="forest prediction" if n == 0 else None)
        bx.text(x[-1], off + 0.3 * np.abs(true).max(), f"item {items[i]} ({what})", ha="right", fontsize=8)
    bx.set_xlabel("k (Å⁻¹)"); bx.set_ylabel(f"{weight_label}, offset")
    bx.set_title("Held-out spectra: best, median, worst"); bx.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    path = os.path.join(out_dir, "parity_soap_to_chi.png"); fig.savefig(path, dpi=120); plt.close(fig)
    return path, r2


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--results", help="CN campaign results file (HDF5)")
    ap.add_argument("--metrics", help="xasforge train --metrics-json of the CN model")
    ap.add_argument("--predictions")
    ap.add_argument("--manifest")
    ap.add_argument("--regression-predictions", help="xasforge train --predictions CSV of a forward (SOAP -> chi) model")
    ap.add_argument("--cv-folds", type=int, default=5, help="folds used by xasforge train --cv")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if not a.results:
        if not a.regression_predictions:
            ap.error("give --results and --metrics (CN report) and/or --regression-predictions (forward model)")
        p, r2 = plot_parity(a.regression_predictions, a.out)
        md = ["# xasforge forward model (SOAP → χ(k))", "",
              f"Held-out R² = **{r2:.3f}** (uniform average over k points; published: 0.82 for Fe–Co compounds).",
              "", f"![{os.path.basename(p)}]({os.path.basename(p)})"]
        json.dump({"forward_model_r2": r2, "plots": [os.path.basename(p)]}, open(os.path.join(a.out, "metrics.json"), "w"), indent=2)
        open(os.path.join(a.out, "report.md"), "w").write("\n".join(md) + "\n")
        print("\n".join(md[:3]) + f"\nreport: {os.path.join(a.out, 'report.md')}, plot: {p}")
        return 0
    if not a.metrics:
        ap.error("--results needs --metrics")
    res = read_results(a.results)
    metrics = json.load(open(a.metrics))
    plots = [p for p in (plot_examples(res, a.out), plot_confusion(metrics, a.out),
                         plot_importance(metrics, res, a.out), plot_per_element(metrics, a.out),
                         plot_reliability(metrics, a.out)) if p]
    r2 = None
    if a.regression_predictions:
        p, r2 = plot_parity(a.regression_predictions, a.out)
        if p:
            plots.append(p)

    known = {}
    if a.manifest:
        for row in csv.DictReader(open(a.manifest)):
            known[row["file"]] = (row["compound"], int(row["known_cn"]))
    preds = []
    if a.predictions:
        for row in csv.DictReader(open(a.predictions)):
            name = os.path.basename(row["input"])
            probs = {k[2:]: float(v) for k, v in row.items() if k.startswith("p_") and k[2:].isdigit()}
            compound, cn = known.get(name, ("", None))
            preds.append({"file": name, "compound": compound, "known_cn": cn,
                          "predicted_cn": int(float(row["prediction"])), "probabilities": probs,
                          "second_cn": int(float(row["second"])) if row.get("second") else None,
                          "unsure": row.get("unsure") == "1"})

    cv_acc = None
    if metrics.get("cv"):
        cv_acc = max(c["mean_score"] for c in metrics["cv"])
    test = metrics.get("test", {})
    summary = {
        "items": res["n_items"], "done": res["n_done"], "failed": res["n_failed"],
        "cv_accuracy": cv_acc, "group_cv": metrics.get("group_cv"), "calibration": {
            k: v for k, v in metrics.get("calibration", {}).items() if k != "reliability"} or None,
        "test": test, "per_element": metrics.get("per_element"),
        "measured_predictions": preds,
        "measured_correct": sum(1 for p in preds if p["known_cn"] == p["predicted_cn"]),
        "forward_model_r2": r2, "plots": [os.path.basename(p) for p in plots],
        "published_reference": PUBLISHED,
    }
    json.dump(summary, open(os.path.join(a.out, "metrics.json"), "w"), indent=2)

    md = ["# xasforge demo report", ""]
    md.append(f"Work items: {res['n_items']} (done {res['n_done']}, failed {res['n_failed']}).")
    if cv_acc is not None:
        md.append(f"CN accuracy, {a.cv_folds}-fold cross-validation: **{100 * cv_acc:.1f} %** "
                  f"(published: {PUBLISHED}).")
    if metrics.get("group_cv"):
        g = metrics["group_cv"]
        md.append(f"CN accuracy, {g['folds']}-fold cross-validation grouped by structure: **{100 * g['accuracy']:.1f} %**"
                  + (f" (on augmented copies of the held-out spectra: {100 * g['accuracy_augmented']:.1f} %)"
                     if "accuracy_augmented" in g else "") + ".")
    if metrics.get("calibration"):
        c = metrics["calibration"]
        md.append(f"Probabilities calibrated by temperature scaling (T = {c['temperature']:.2f}) on {c['rows']} out-of-fold "
                  f"rows: expected calibration error {c['ece_before']:.3f} → {c['ece_after']:.3f}; predictions with a top "
                  f"probability under {c['unsure_below']:.2f} are flagged unsure ({100 * c['fraction_unsure']:.0f} % of "
                  f"held-out rows, {100 * c['accuracy_unsure']:.0f} % of them right; the others {100 * c['accuracy_sure']:.0f} %).")
    if test:
        md.append(f"Held-out sites: accuracy {100 * test.get('accuracy', float('nan')):.1f} %, macro-F1 "
                  f"{test.get('macro_f1', float('nan')):.3f}, within ±1 CN {100 * test.get('within_one', float('nan')):.1f} %.")
    if r2 is not None:
        md.append(f"Forward model SOAP → χ(k): R² = {r2:.3f} on held-out items (published: 0.82 for Fe–Co compounds).")
    if metrics.get("per_element"):
        md += ["", "| element | sites | accuracy |", "|---|---|---|"]
        for z in sorted(metrics["per_element"], key=int):
            e = metrics["per_element"][z]
            md.append(f"| {symbol(z)} | {e['rows']} | {100 * e['accuracy']:.1f} % |")
    if preds:
        md += ["", "## Measured spectra", "",
               "| file | compound | known CN | predicted CN | second | unsure | probabilities (> 0.01) |",
               "|---|---|---|---|---|---|---|"]
        for p in preds:
            pr = ", ".join(f"{k}: {v:.2f}" for k, v in sorted(p["probabilities"].items(), key=lambda kv: int(kv[0]))
                           if v > 0.01)
            md.append(f"| {p['file']} | {p['compound']} | {p['known_cn']} | {p['predicted_cn']} | "
                      f"{p['second_cn'] if p['second_cn'] is not None else ''} | {'yes' if p['unsure'] else ''} | {pr} |")
        md.append("")
        md.append(f"{summary['measured_correct']} of {len(preds)} measured spectra get their known CN.")
    md += ["", "## Plots", ""] + [f"![{os.path.basename(p)}]({os.path.basename(p)})" for p in plots]
    open(os.path.join(a.out, "report.md"), "w").write("\n".join(md) + "\n")
    print("\n".join(md[:-len(plots) - 3] if plots else md))
    print(f"\nreport: {os.path.join(a.out, 'report.md')}, plots: {', '.join(os.path.basename(p) for p in plots)}")


if __name__ == "__main__":
    sys.exit(main())
