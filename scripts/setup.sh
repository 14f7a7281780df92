#!/usr/bin/env bash
# Installs what xasforge needs on Debian 12 (bookworm), as root or through sudo. Idempotent: when
# every package is present it only checks (a few seconds). Sourced by demo.sh and test.sh; exports
# no MPI settings (scripts/local_mpi_env.sh has the single-machine ones).
set -euo pipefail

XASFORGE_PACKAGES=(
  # build
  build-essential cmake pkg-config
  # design card: Open MPI, Boost.MPI/Serialization, parallel HDF5, Eigen, yaml-cpp, Catch2 v2
  openmpi-bin libopenmpi-dev libboost-mpi-dev libboost-serialization-dev
  libhdf5-openmpi-dev hdf5-tools libeigen3-dev libyaml-cpp-dev catch2
  # well-kept libraries that replace hand-written code
  libsymspg-dev nlohmann-json3-dev libcli11-dev libfftw3-dev voro++-dev
  # FEFF 8.5L: its potential and phase modules are the phase-shift engine
  feff85exafs
  # reference tools and plotting (tests, benchmarks, report plots)
  python3 python3-numpy python3-h5py python3-matplotlib python3-xraylarch python3-pymatgen
  python3-sklearn
  # the Python module (pybind11) and its tests; zlib for gzip-compressed Athena projects
  pybind11-dev python3-pybind11 python3-dev python3-pytest zlib1g-dev
  # XGBoost for the boosted-trees benchmark (benchmarks/boosting_vs_sklearn.sh)
  python3-xgboost
  # ranger (R) for the forest benchmark (benchmarks/forest_vs_sklearn.sh)
  r-cran-ranger
  # MPI on a machine without network: loopback tools
  iproute2
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${XASFORGE_PACKAGES[@]}" 2>&1 \
          | grep -v '^ii ' || true)
if [ -n "$missing" ]; then
  echo "setup: installing missing packages:" $(echo "$missing" | awk '{print $NF}' | sort -u | tr '\n' ' ')
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${XASFORGE_PACKAGES[@]}" >/dev/null
fi

# mpiexec needs localhost in /etc/hosts (else ~10 s per launch) and loopback up (PMIx over TCP).
for name in localhost "$(hostname)"; do
  grep -Eq "^[^#]*[[:space:]]${name}([[:space:]]|\$)" /etc/hosts 2>/dev/null \
    || echo "127.0.0.1 ${name}" | as_root tee -a /etc/hosts >/dev/null
done
if command -v ip >/dev/null && ! ip link show lo 2>/dev/null | grep -q 'UP'; then
  as_root ip link set lo up || true
fi

# The single-machine Open MPI settings (loopback only, oversubscribed) are NOT exported here: they
# would break a cluster job. The demo and test scripts source scripts/local_mpi_env.sh for them.
