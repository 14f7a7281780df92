#!/usr/bin/env bash
# Regenerates tests/reference/ensemble/ (FEFF 8.5L per-snapshot runs averaged; docs/physics.md §9).
# Needs feff85exafs and Debian's /usr/bin/python3.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v feff8l_genfmt >/dev/null || { echo "feff8l_genfmt not found (apt-get install feff85exafs)" >&2; exit 1; }
exec /usr/bin/python3 "$here/regen_ensemble_reference.py" "$@"
