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
