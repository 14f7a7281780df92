# Sourced by the demo scripts (demo.sh, demo_forward.sh, demo_ensembles.sh): installs what is
# missing, builds the xasforge target, and sets root (the checkout), xas (the executable) and
# ranks (XASFORGE_DEMO_RANKS, default 2); the caller's working directory becomes the checkout.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/setup.sh"
source "$root/scripts/local_mpi_env.sh"  # this machine only: loopback Open MPI settings
"$root/scripts/build.sh" "$root/build" RelWithDebInfo xasforge
cd "$root"
xas="$root/build/workflows/xasforge"
ranks=${XASFORGE_DEMO_RANKS:-2}
mkdir -p results
# The demo's CN model (scripts/demo.sh and benchmarks/measured_spectra.sh train it the same way):
# a random forest on |chi(R)| of every site (correlated-Debye σ², examples/demo.yaml says why),
# two augmented copies of each simulated spectrum (S0², ΔE0, Δσ² in [-0.001, 0.005] Å², noise,
# k range: docs/ml.md), structure-grouped 5-fold CV whose out-of-fold rows calibrate the
# probabilities. XASFORGE_DEMO_SEED (default 1) seeds the forest and the augmentation (seed
# ablations of benchmarks/measured_spectra.sh).
demo_train_args=(--target cn --model random_forest --trees 300 --max-features sqrt --class-weight balanced
                 --seed "${XASFORGE_DEMO_SEED:-1}")
demo_measured_args=(--augment 2 --calibrate --cv 5 --cv-groups structure)
