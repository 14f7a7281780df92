#!/usr/bin/env bash
# `xasforge spectrum` end to end on Cu fcc (POSCAR written here) against FEFF 8.5L's chi.dat of
# tests/reference/scattering/cu_fcc, plus its input errors. Usage: test_spectrum_cli.sh XASFORGE SOURCE_DIR
set -euo pipefail
xas=$1
src=$2
work=$(mktemp -d -t xasforge-cli-spectrum-XXXXXX)
trap 'rm -rf "$work"' EXIT
cat > "$work/POSCAR" <<'POS'
Cu fcc
1.0
3.61 0.0 0.0
0.0 3.61 0.0
0.0 0.0 3.61
Cu
4
Direct
0.0 0.0 0.0
0.0 0.5 0.5
0.5 0.0 0.5
0.5 0.5 0.0
POS
"$xas" spectrum "$work/POSCAR" --absorber Cu --edge K --rmax 6.0 --max-legs 4 --cluster-radius 7.0 \
  --sigma2-model correlated-debye --temperature 300 --debye-temperature 315 -o "$work/chi.csv" --paths "$work/paths.txt"
grep -q '^# sigma2_model: correlated-debye' "$work/chi.csv"
[ "$(grep -v '^#' "$work/chi.csv" | head -1)" = "k,chi" ] || { echo "missing k,chi header"; exit 1; }
rows=$(grep -v '^#' "$work/chi.csv" | tail -n +2 | wc -l)
[ "$rows" -eq 401 ] || { echo "expected 401 rows (0..20 step 0.05), got $rows"; exit 1; }
[ "$(grep -c ' yes$' "$work/paths.txt")" -eq 18 ] || { echo "expected 18 used paths (FEFF's chi.dat)"; exit 1; }
# R-factor (k 3-14, k^2) against FEFF's chi.dat; issue acceptance 0.005 (measured ~5e-5).
r=$(awk -F'[ ,]+' 'FNR == NR { if ($0 !~ /^#/ && $1 != "k") ours[sprintf("%.2f", $1)] = $2; next }
                   $0 !~ /^#/ { k = $2; c = $3; key = sprintf("%.2f", k);
                     if (k >= 3 - 1e-9 && k <= 14 + 1e-9 && (key in ours)) { w = k * k; n += (w * (ours[key] - c))^2; d += (w * c)^2 } }
                   END { printf "%.3e", n / d }' "$work/chi.csv" "$src/tests/reference/scattering/cu_fcc/chi.dat")
echo "CLI Cu fcc R-factor vs FEFF chi.dat: $r"
awk -v r="$r" 'BEGIN { exit !(r <= 0.005) }'
# The native provider (docs/scattering_native.md): same command with --phases native; R against
# FEFF's chi.dat measured 0.017 (k 3-14, k^2; the native provider does not yet meet 0.01 for Cu),
# bound 0.03.
"$xas" spectrum "$work/POSCAR" --absorber Cu --edge K --rmax 6.0 --max-legs 4 --cluster-radius 7.0 \
  --sigma2-model correlated-debye --temperature 300 --debye-temperature 315 --phases native -o "$work/chi_native.csv"
grep -q '^# phases: native' "$work/chi_native.csv"
rn=$(awk -F'[ ,]+' 'FNR == NR { if ($0 !~ /^#/ && $1 != "k") ours[sprintf("%.2f", $1)] = $2; next }
                   $0 !~ /^#/ { k = $2; c = $3; key = sprintf("%.2f", k);
                     if (k >= 3 - 1e-9 && k <= 14 + 1e-9 && (key in ours)) { w = k * k; n += (w * (ours[key] - c))^2; d += (w * c)^2 } }
                   END { printf "%.3e", n / d }' "$work/chi_native.csv" "$src/tests/reference/scattering/cu_fcc/chi.dat")
echo "CLI Cu fcc, native phases: R-factor vs FEFF chi.dat: $rn"
awk -v r="$rn" 'BEGIN { exit !(r <= 0.03) }'
set +e
msg=$("$xas" spectrum "$work/POSCAR" --site 0 --phases fef -o "$work/x.csv" 2>&1); rc=$?
set -e
[ $rc -eq 2 ] && echo "$msg" | grep -q "unknown phase-shift provider 'fef'" || { echo "bad provider: rc=$rc $msg"; exit 1; }
# Input errors: exit code 2 and a message naming the problem.
set +e
msg=$("$xas" spectrum "$work/POSCAR" --site 0 --sigma2-model debye -o "$work/x.csv" 2>&1); rc=$?
set -e
[ $rc -eq 2 ] && echo "$msg" | grep -q "correlated-debye, correlated-einstein, constant, none" || { echo "bad model: rc=$rc $msg"; exit 1; }
set +e
msg=$("$xas" spectrum "$work/POSCAR" --site 9 -o "$work/x.csv" 2>&1); rc=$?
set -e
[ $rc -eq 2 ] && echo "$msg" | grep -q "out of range" || { echo "bad site: rc=$rc $msg"; exit 1; }
set +e
msg=$("$xas" spectrum "$work/POSCAR" --absorber Fe -o "$work/x.csv" 2>&1); rc=$?
set -e
[ $rc -eq 2 ] && echo "$msg" | grep -q "no site of element Fe" || { echo "bad absorber: rc=$rc $msg"; exit 1; }
echo "OK"
