#!/usr/bin/env bash
# One command: install what is missing, build, run the demo on the bundled example data.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/setup.sh"
"$root/scripts/build.sh" "$root/build" RelWithDebInfo
cd "$root"
./build/workflows/xasforge info examples/structures/*.json
