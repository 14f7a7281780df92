#!/usr/bin/python3
"""Digest of a campaign results file, to show that a change leaves results bitwise identical:
one line per dataset (shape, dtype, first 16 hex digits of the sha256 of its raw bytes) and per
attribute, except the timing columns (/items/wall_seconds, /items/rank, /items/finished_at) and
time stamps. Usage: scripts/results_digest.py RESULTS.h5 > before.txt; then, after the change,
the same into after.txt and `diff <(grep -v @created before.txt) <(grep -v @created after.txt)`."""
import hashlib, sys
import h5py, numpy as np
TIMING = {"/items/wall_seconds", "/items/rank", "/items/finished_at"}
def main(path):
    with h5py.File(path, "r") as f:
        lines = []
        def visit(name, obj):
            n = "/" + name
            if isinstance(obj, h5py.Dataset):
                if n in TIMING:
                    lines.append(f"{n} SKIPPED(timing) {obj.shape} {obj.dtype}")
                    return
                a = np.ascontiguousarray(obj[()])
                if a.dtype.kind == "O":
                    h = hashlib.sha256(repr(a.tolist()).encode()).hexdigest()
                else:
                    h = hashlib.sha256(a.tobytes()).hexdigest()
                lines.append(f"{n} {obj.shape} {obj.dtype} {h[:16]}")
            for k, v in sorted(obj.attrs.items()):
                if "time" in k or "host" in k or "version" in k or "date" in k or "started" in k or "finished" in k:
                    continue
                lines.append(f"{n} @{k} = {v!r}"[:200])
        f.visititems(visit)
        lines.append("hash " + str(f["campaign"].attrs["config_hash"]))
    print("\n".join(lines))
main(sys.argv[1])
