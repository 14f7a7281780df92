#!/usr/bin/env bash
# `xasforge info` end to end: text and JSON output, and a bad file among good ones (reported, the
# others still printed, non-zero exit). Usage: test_info_cli.sh XASFORGE_BINARY SOURCE_DIR
set -uo pipefail
bin=$1 src=$2
ex=$src/tests/reference/campaign/structures   # the eight structures this test was written for
files=$src/tests/reference/structure/files
bad=$src/tests/reference/structure/malformed/cif_partial_occupancy.cif
fail() { echo "FAIL: $*"; exit 1; }

out=$("$bin" info "$ex/Fe3O4_227_1.json") || fail "info on a good file exited $?"
grep -q "space group  Fd-3m (227)" <<<"$out" || fail "text: no space group line"
grep -q "Fe x16" <<<"$out" && grep -q "Fe x8" <<<"$out" || fail "text: magnetite Fe classes 16 + 8 missing"
grep -q "6 O at 2.058 Å" <<<"$out" || fail "text: octahedral Fe first shell (6 O at 2.058 Å) missing"

json=$("$bin" info --json "$files/handwritten_icsd_rutile_TiO2.cif") || fail "--json exited $?"
/usr/bin/python3 - "$json" <<'PY' || fail "--json content"
import json, sys
d = json.loads(sys.argv[1])
assert d["formula"] == "TiO2", d["formula"]
assert d["spacegroup_number"] == 136, d["spacegroup_number"]
ti = [c for c in d["absorber_classes"] if c["element"] == "Ti"]
assert ti == [c for c in ti if c["sites"] == [0, 1]] and len(ti) == 1, ti
assert ti[0]["shells"][0]["count"] == 6 and ti[0]["shells"][0]["elements"] == {"O": 6}, ti[0]["shells"][0]
PY

out=$("$bin" info --json "$ex/mp-13.json" "$bad" "$ex/mp-30.json" 2>/tmp/xasforge_info_err.$$); rc=$?
err=$(cat /tmp/xasforge_info_err.$$); rm -f /tmp/xasforge_info_err.$$
[ "$rc" -ne 0 ] || fail "a bad file must give a non-zero exit"
[ "$(grep -c '"absorber_classes"' <<<"$out")" -eq 2 ] || fail "the two good files must still be printed"
grep -q '"error":.*partial occupancy' <<<"$out" || fail "the failure must be reported in the JSON stream"
grep -q "cif_partial_occupancy.cif:.*partial occupancy" <<<"$err" || fail "stderr must name the file and the problem"
out=$("$bin" info --json --shells 0 "$ex/mp-13.json") || fail "--shells 0 exited $?"
grep -q '"shells":\[\]' <<<"$out" || fail "--shells 0 must give empty shell lists"
echo "PASS"
