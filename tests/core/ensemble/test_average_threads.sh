#!/usr/bin/env bash
# `xasforge average --threads 1` and `--threads 2` must write byte-identical files: the
# Rehr–Albers caches are computed at their keys' grid values, so which thread (or path) fills a
# cache entry first cannot change a result. Two fixture snapshots, every Cu site, FEFF phases
# from the fixture (no FEFF run). Usage: test_average_threads.sh XASFORGE_BINARY SOURCE_DIR
set -uo pipefail
bin=$1 src=$2
fx=$src/tests/reference/ensemble/cu256_snapshots
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
for t in 1 2; do
  "$bin" average "$fx/snapshot_0.xyz" "$fx/snapshot_1.xyz" --absorber Cu --all-sites --phases "$fx" \
    --rmax 4.0 --max-legs 3 --threads $t -o "$tmp/chi_$t.csv" >/dev/null || fail "average --threads $t exited $?"
done
rows=$(grep -vc '^#' "$tmp/chi_1.csv")
[ "$rows" -ge 400 ] || fail "expected >= 400 rows (k = 0..20 step 0.05 plus header), got $rows"
# The average must not be trivially zero (a test of nothing).
/usr/bin/python3 - "$tmp/chi_1.csv" <<'PY' || fail "chi is all zero"
import sys
rows = [l.split(",") for l in open(sys.argv[1]) if l[0].isdigit()]
assert max(abs(float(r[1])) for r in rows) > 0.01
PY
cmp -s "$tmp/chi_1.csv" "$tmp/chi_2.csv" || { diff "$tmp/chi_1.csv" "$tmp/chi_2.csv" | head -5; fail "threads 1 and 2 differ"; }
echo PASS
