#!/usr/bin/env bash
# core/ is a library under several front ends (CLI, campaign YAML, Python), so its messages name
# the setting or the file, never a command-line flag (docs/architecture.md, "Errors"): a string
# literal in core/ that contains "--word" fails this check (comments are not looked at).
# Usage: check_core_messages.sh SOURCE_DIR
set -uo pipefail
cd "$1" || exit 1
[ -d core/scattering ] || { echo "FAIL: no core/ under $1"; exit 1; }
hits=$(grep -rnE --include='*.cpp' --include='*.hpp' '"[^"]*(^|[^-])--[a-z][^"]*"' core | grep -vE '^[^:]+:[0-9]+: *//')
if [ -n "$hits" ]; then
  echo "FAIL: command-line flags named in core/ strings:"
  echo "$hits"
  exit 1
fi
echo "PASS: no core/ string names a command-line flag"
