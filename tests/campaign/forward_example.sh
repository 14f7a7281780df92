#!/usr/bin/env bash
# The forward example (examples/forward_soap.yaml, run by scripts/demo_forward.sh): its SOAP
# species list covers every element of every bundled structure that holds Fe or Co (SOAP rejects a
# structure with an unlisted element, so a missing one would fail those sites), and the example's
# settings run end to end on the three Fe/Co structures with the rarest elements: every item done,
# one SOAP row of S*n(n+1)/2*(l+1) + S(S-1)/2*n^2*(l+1) finite numbers per site (docs/features.md)
# and a non-zero chi(k). Usage: forward_example.sh XASFORGE MPIEXEC SOURCE WORKDIR
set -euo pipefail
X=$1 MPIEXEC=$2 SRC=$3 W=$4
rm -rf "$W" && mkdir -p "$W"
"$X" validate "$SRC/examples/forward_soap.yaml" | grep -q "valid campaign 'forward_soap'"
/usr/bin/python3 - "$SRC/examples/forward_soap.yaml" "$W" <<'PY'
import collections, glob, json, os, sys, yaml
path, work = sys.argv[1], sys.argv[2]
cfg = yaml.safe_load(open(path))
assert cfg["absorbers"]["elements"] == ["Fe", "Co"], cfg["absorbers"]
species = set(cfg["soap"]["species"])
assert len(species) == len(cfg["soap"]["species"]), "soap.species lists an element twice"
files = sorted(glob.glob(os.path.join(os.path.dirname(path), cfg["structures"]["paths"])))
assert len(files) > 1000, f"{len(files)} structure files"
chosen, counts = [], collections.Counter()
for f in files:
    d = json.load(open(f))
    els = {sp["element"] for s in d["sites"] for sp in s["species"]}
    if not els & {"Fe", "Co"}:
        continue
    missing = els - species
    assert not missing, f"{f}: elements {sorted(missing)} not in soap.species"
    chosen.append((f, els, len(d["sites"])))
    counts.update(els)
assert len(chosen) > 300, f"only {len(chosen)} Fe/Co structures"
# the three small structures (<= 20 sites) whose rarest element is rarest among the Fe/Co structures
small = sorted((min(counts[e] for e in els), n, f) for f, els, n in chosen if n <= 20)[:3]
cfg["structures"] = {"paths": [f for _, _, f in small]}
cfg["output"]["file"] = os.path.join(work, "forward.h5")
yaml.safe_dump(cfg, open(os.path.join(work, "forward.yaml"), "w"))
print("forward example: species cover", len(chosen), "Fe/Co structures; running", [os.path.basename(f) for _, _, f in small])
PY
"$MPIEXEC" -n 2 "$X" run "$W/forward.yaml" --output "$W/forward.h5" > "$W/run.txt"
/usr/bin/python3 - "$W/forward.h5" "$W/forward.yaml" <<'PY'
import sys, h5py, numpy as np, yaml
f, cfg = h5py.File(sys.argv[1], "r"), yaml.safe_load(open(sys.argv[2]))["soap"]
S, n, l = len(cfg["species"]), cfg["n_max"], cfg["l_max"]
width = S * n * (n + 1) // 2 * (l + 1) + S * (S - 1) // 2 * n * n * (l + 1)
status, soap, chi, z = f["/items/status"][:], f["/descriptors/soap"][:], f["/spectra/chi"][:], f["/items/z"][:]
assert len(status) >= 3 and (status == 1).all(), status
assert set(z) <= {26, 27}, z
assert soap.shape == (len(status), width), (soap.shape, width)
assert np.isfinite(soap).all() and (np.abs(soap).max(axis=1) > 0).all()
assert (np.abs(chi).max(axis=1) > 0).all()
print("PASS", len(status), "sites,", width, "SOAP numbers each")
PY
