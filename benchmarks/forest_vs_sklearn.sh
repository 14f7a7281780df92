#!/usr/bin/env bash
# Random forest: xasforge against scikit-learn (python3-sklearn, n_jobs=2) and ranger
# (r-cran-ranger, 2 threads) on the same data.
#   1. generates (seeded) a CN classification set shaped like the published study (13,374 × 326,
#      8 imbalanced classes) and a multi-output regression set (5,000 × 252 -> 150), as HDF5
#      results files (ranger reads a raw export of the same split);
#   2. classification, 500 trees, max_features sqrt, min_samples_leaf 1, bootstrap, Gini: for each
#      seed in SEEDS, xasforge under mpiexec -n RANKS and scikit-learn; ranger for RANGER_SEEDS;
#      accuracy on the same test split, fit wall and CPU seconds (all ranks / threads);
#   3. strong scaling of xasforge training from 1 to RANKS ranks (seed 1, REPEATS times each),
#      and a byte comparison of the model files;
#   4. regression (150 outputs, min_samples_leaf 5) against scikit-learn;
# and ends with one line, means over SEEDS, wall seconds:
#   accuracy xasforge A sklearn B; fit seconds xasforge X sklearn Y; ratio R
# Environment: XASFORGE (binary), WORK (scratch dir), TREES (500), REG_TREES (100), RANKS (2),
#   SEEDS ("1 2 3"), RANGER_SEEDS ("1"; "" skips ranger), REPEATS (2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
XASFORGE=${XASFORGE:-$root/build/workflows/xasforge}
WORK=${WORK:-$root/build/bench_ml}
TREES=${TREES:-500}
REG_TREES=${REG_TREES:-100}
RANKS=${RANKS:-2}
SEEDS=${SEEDS:-1 2 3}
RANGER_SEEDS=${RANGER_SEEDS-1}
REPEATS=${REPEATS:-2}
PY=/usr/bin/python3
mkdir -p "$WORK"
[ -x "$XASFORGE" ] || { echo "build xasforge first: cmake --build build --target xasforge" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 \
  OMPI_MCA_hwloc_base_binding_policy=none OMPI_MCA_mpi_yield_when_idle=1 OMPI_MCA_btl=self,vader \
  OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_pml=ob1 OMPI_MCA_plm=isolated

"$PY" "$here/ml_make_data.py" "$WORK"
cls="$WORK/cn_classification.h5"
reg="$WORK/chi_regression.h5"
results="$WORK/results.jsonl"
: > "$results"
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "machine: $(nproc) cores; load average (1, 5, 15 min) at start: $(load)"

# record TOOL KIND SEED RANKS JSON-FILE-OR-STRING: one line of results.jsonl (kind: cls, scale, reg)
record() {
  "$PY" - "$@" >> "$results" <<'PYEOF'
import json, os, sys
tool, kind, seed, ranks, src = sys.argv[1:6]
d = json.load(open(src)) if os.path.exists(src) else json.loads(src)
score = d["score"] if "score" in d else d["test"]["accuracy" if kind != "reg" else "r2"]
print(json.dumps({"tool": tool, "kind": kind, "seed": int(seed), "ranks": int(ranks), "wall": d["fit_seconds"],
                  "cpu": d["fit_cpu_seconds"], "cpu_max_rank": d.get("fit_cpu_seconds_max_rank"), "score": score}))
PYEOF
}
xtrain() {  # xtrain RANKS SEED OUT.json MODEL
  local cmd=("$XASFORGE" train "$cls" --target cn --trees "$TREES" --max-features sqrt --seed "$2"
             --metrics-json "$3" -o "$4")
  if [ "$1" -gt 1 ]; then mpiexec -n "$1" "${cmd[@]}" > /dev/null; else "${cmd[@]}" > /dev/null; fi
}

echo "== classification: $TREES trees, max_features sqrt, min_samples_leaf 1, bootstrap, Gini; seeds $SEEDS"
for s in $SEEDS; do
  xtrain "$RANKS" "$s" "$WORK/x_cls_s$s.json" "$WORK/cls_s$s.xfm"
  record xasforge cls "$s" "$RANKS" "$WORK/x_cls_s$s.json"
  sk=$("$PY" "$here/ml_sklearn_fit.py" "$cls" /features/chir_mag /labels/cn "$TREES" sqrt 1 2 "$s")
  record sklearn cls "$s" 2 "$sk"
  tail -n 2 "$results" | sed 's/^/  /'
done

if [ -n "$RANGER_SEEDS" ]; then
  if command -v Rscript > /dev/null && Rscript -e 'library(ranger)' > /dev/null 2>&1; then
    echo "== ranger (r-cran-ranger): same settings, num.threads 2; seeds $RANGER_SEEDS"
    mkdir -p "$WORK/raw"
    "$PY" "$here/ml_export_raw.py" "$cls" /features/chir_mag /labels/cn "$WORK/raw"
    for s in $RANGER_SEEDS; do
      rg=$(Rscript "$here/ml_ranger_fit.R" "$WORK/raw" "$TREES" 1 2 "$s" | tail -n 1)
      record ranger cls "$s" 2 "$rg"
      tail -n 1 "$results" | sed 's/^/  /'
    done
  else
    echo "== ranger: not run (Rscript or the ranger package is missing; apt-get install r-cran-ranger)"
  fi
fi

echo "== strong scaling: seed 1, 1 and $RANKS ranks, $REPEATS runs each"
for rep in $(seq "$REPEATS"); do
  xtrain 1 1 "$WORK/x_scale_1_$rep.json" "$WORK/scale_1.xfm"
  record xasforge scale 1 1 "$WORK/x_scale_1_$rep.json"
  xtrain "$RANKS" 1 "$WORK/x_scale_n_$rep.json" "$WORK/scale_n.xfm"
  record xasforge scale 1 "$RANKS" "$WORK/x_scale_n_$rep.json"
  tail -n 2 "$results" | sed 's/^/  /'
done
cmp -s "$WORK/scale_1.xfm" "$WORK/scale_n.xfm" && same="identical" || same="DIFFERENT"

echo "== regression: $REG_TREES trees, max_features sqrt, min_samples_leaf 5, bootstrap, 150 outputs"
mpiexec -n "$RANKS" "$XASFORGE" train "$reg" --features soap --target chi --trees "$REG_TREES" --max-features sqrt \
  --min-samples-leaf 5 --seed 1 --metrics-json "$WORK/x_reg.json" > /dev/null
record xasforge reg 1 "$RANKS" "$WORK/x_reg.json"
sk=$("$PY" "$here/ml_sklearn_fit.py" "$reg" /descriptors/soap /spectra/chi "$REG_TREES" sqrt 5 2)
record sklearn reg 1 2 "$sk"
tail -n 2 "$results" | sed 's/^/  /'
echo "load average at the end: $(load)"

"$PY" - "$results" "$RANKS" "$same" <<'PYEOF'
import json, statistics as st, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ranks, same = int(sys.argv[2]), sys.argv[3]
def sel(tool, kind, **kw):
    return [r for r in rows if r["tool"] == tool and r["kind"] == kind and all(r[k] == v for k, v in kw.items())]
def ms(v, f="{:.4f}"):
    return (f + " ± " + f).format(st.mean(v), st.stdev(v)) if len(v) > 1 else f.format(v[0])
print("\nclassification, per seed: accuracy | fit wall s | fit CPU s")
for r in sorted(sel("xasforge", "cls") + sel("sklearn", "cls") + sel("ranger", "cls"), key=lambda r: (r["seed"], r["tool"])):
    print(f"  seed {r['seed']}  {r['tool']:9s} {r['score']:.4f} | {r['wall']:8.2f} | {r['cpu']:8.2f}")
summary = {}
for tool in ("xasforge", "sklearn", "ranger"):
    v = sel(tool, "cls")
    if not v:
        continue
    summary[tool] = {k: st.mean(r[k] for r in v) for k in ("score", "wall", "cpu")}
    print(f"  {tool:9s} over {len(v)} seed(s): accuracy {ms([r['score'] for r in v])}, "
          f"fit wall {ms([r['wall'] for r in v], '{:.2f}')} s, fit CPU {ms([r['cpu'] for r in v], '{:.2f}')} s")
x = summary["xasforge"]
for tool in ("sklearn", "ranger"):
    if tool in summary:
        t = summary[tool]
        print(f"  {tool} / xasforge: fit CPU ratio {t['cpu'] / x['cpu']:.2f}, fit wall ratio {t['wall'] / x['wall']:.2f}, "
              f"accuracy difference xasforge - {tool} {x['score'] - t['score']:+.4f}")
one, many = sel("xasforge", "scale", ranks=1), sel("xasforge", "scale", ranks=ranks)
w1, wn = min(r["wall"] for r in one), min(r["wall"] for r in many)
print(f"strong scaling: fit wall {ms([r['wall'] for r in one], '{:.2f}')} s on 1 rank, {ms([r['wall'] for r in many], '{:.2f}')} s "
      f"on {ranks} ranks (best {w1:.2f} -> {wn:.2f}: speed-up {w1 / wn:.2f}); fit CPU {ms([r['cpu'] for r in one], '{:.2f}')} -> "
      f"{ms([r['cpu'] for r in many], '{:.2f}')} s; model files {same}")
if all(r["cpu_max_rank"] is not None for r in one + many):  # busiest rank: the critical path on free cores
    c1, cn = st.mean(r["cpu_max_rank"] for r in one), st.mean(r["cpu_max_rank"] for r in many)
    print(f"strong scaling in CPU seconds of the busiest rank (load-robust critical path): {c1:.2f} on 1 rank, "
          f"{cn:.2f} on {ranks} ranks: speed-up {c1 / cn:.2f}")
xr, sr = sel("xasforge", "reg")[0], sel("sklearn", "reg")[0]
print(f"regression R2 xasforge {xr['score']:.4f} sklearn {sr['score']:.4f}; fit seconds xasforge {xr['wall']:.2f} sklearn "
      f"{sr['wall']:.2f}; ratio {sr['wall'] / xr['wall']:.2f}; fit CPU seconds xasforge {xr['cpu']:.2f} sklearn {sr['cpu']:.2f}; "
      f"ratio {sr['cpu'] / xr['cpu']:.2f}")
s = summary["sklearn"]
print(f"fit CPU seconds (all ranks / threads; robust to machine load): xasforge {x['cpu']:.2f} sklearn {s['cpu']:.2f}; "
      f"ratio {s['cpu'] / x['cpu']:.2f}")
print(f"accuracy xasforge {x['score']:.4f} sklearn {s['score']:.4f}; fit seconds xasforge {x['wall']:.2f} sklearn "
      f"{s['wall']:.2f}; ratio {s['wall'] / x['wall']:.2f}")
PYEOF
