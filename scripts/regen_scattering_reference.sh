#!/usr/bin/env bash
# Regenerates the FEFF 8.5L fixtures of the scattering area (tests/reference/scattering/<case>/):
# Cu fcc (reference run of docs/physics.md §0, RPATH 5.5; and RPATH 6 NLEG 4), Fe bcc, NiO, ZnO, CuO (mp-1692),
# NiH (mp-24719, a hydride for the native potentials; only when named: FEFF's pot takes > 40 min)
# and a disordered 256-atom Cu cluster. Needs feff85exafs (feff8l) and Debian's /usr/bin/python3.
# Usage: scripts/regen_scattering_reference.sh [case ...]   (cases: cu_ref cu_fcc fe_bcc nio zno cuo nih cu_disordered256)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v feff8l >/dev/null || { echo "feff8l not found (apt-get install feff85exafs)" >&2; exit 1; }
exec /usr/bin/python3 "$here/regen_scattering_reference.py" "$@"
