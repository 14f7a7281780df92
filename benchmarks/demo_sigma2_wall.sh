#!/usr/bin/env bash
# Campaign wall time of the demo with correlated-Debye against hybrid σ² (docs/ml.md, issue #13):
# examples/demo.yaml restricted to a subset of the bundled structures (default mp-10*.json: 196
# sites), run with each model in turn, ROUNDS times (default 2) alternating, so that the load of a
# shared machine falls on both alike. Prints each run's wall time and the hybrid/correlated-Debye
# ratio of the summed times.
# Usage: benchmarks/demo_sigma2_wall.sh [GLOB]   (GLOB relative to examples/structures)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/demo_env.sh"   # builds; cd to the checkout
glob=${1:-mp-10*.json}
rounds=${ROUNDS:-2}
work=$(mktemp -d -t xasforge-demo-sigma2-XXXXXX)
trap 'rm -rf "$work"' EXIT
declare -A total=([correlated_debye]=0 [hybrid]=0)
for m in correlated_debye hybrid; do
  sed -e "s#paths: structures/\*.json#paths: $root/examples/structures/$glob#" \
      -e "s#model: correlated_debye#model: $m#" examples/demo.yaml >"$work/$m.yaml"
  grep -q "model: $m" "$work/$m.yaml" || { echo "could not set model $m in examples/demo.yaml" >&2; exit 1; }
done
for ((r = 1; r <= rounds; r++)); do
  for m in correlated_debye hybrid; do
    rm -f "$work/$m.h5"
    t0=$(date +%s.%N)
    mpiexec -n "$ranks" "$xas" run "$work/$m.yaml" --output "$work/$m.h5" >"$work/$m.log"
    t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    total[$m]=$(awk -v a="${total[$m]}" -v b="$t" 'BEGIN { print a + b }')
    echo "round $r $m: $(printf '%.1f' "$t") s wall, load $(cut -d' ' -f1 /proc/loadavg); $("$xas" status "$work/$m.h5" | grep -E '^  items' | xargs)"
  done
done
echo "hybrid / correlated_debye wall: $(awk -v a="${total[hybrid]}" -v b="${total[correlated_debye]}" 'BEGIN { printf "%.3f", a / b }')"
