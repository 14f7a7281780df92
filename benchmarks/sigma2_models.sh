#!/usr/bin/env bash
# CPU time of the σ² stage per absorber for every Debye–Waller model (campaign settings: rmax 6 Å,
# 4 legs, cluster 8 Å), and its share of the whole spectrum (FEFF potentials included) measured in
# the same run. The σ² stage of correlated Debye is the baseline (~1e-4 s). Usage: benchmarks/sigma2_models.sh [XASFORGE] [STRUCTURE...]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
xas=${1:-$root/build/workflows/xasforge}
shift || true
structures=("$@")
[ ${#structures[@]} -gt 0 ] || structures=("$root/examples/reference_structures/Cu.cif:Cu" "$root/examples/reference_structures/Fe2O3.cif:Fe")
work=$(mktemp -d -t xasforge-sigma2-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
for entry in "${structures[@]}"; do
  file=${entry%%:*}
  absorber=${entry##*:}
  for m in correlated-debye normal-modes recursion equation-of-motion hybrid; do
    line=$("$xas" spectrum "$file" --absorber "$absorber" --rmax 6 --max-legs 4 --cluster-radius 8 --sigma2-model $m \
           --debye-temperature 350 -o "$work/chi.csv" --paths "$work/paths.txt" --timing 2>&1 >/dev/null | grep '^timing')
    s=$(echo "$line" | sed -E 's/.*sigma2 ([0-9.]+).*/\1/')
    total=$(echo "$line" | sed -E 's/.*total\(wall\) ([0-9.]+).*/\1/')
    npaths=$(grep -vc '^#' "$work/paths.txt")
    share=$(awk -v a="$s" -v b="$total" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }')
    echo "$(basename "$file") $absorber $m: sigma2 stage ${s} s CPU for $npaths paths (${share} % of the spectrum's ${total} s)"
  done
done
