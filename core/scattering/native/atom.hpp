#pragma once
/// Free atoms for the native potentials (docs/scattering_native.md §3): self-consistent,
/// spherical, scalar-relativistic Kohn–Sham atoms (Koelling & Harmon 1977 radial equation, see
/// radial.hpp) with the von Barth–Hedin local exchange–correlation potential (J. Phys. C 5, 1629
/// (1972), eq. 6.2 paramagnetic limit). Ground state and the absorber's final state with a core
/// hole and one screening electron (the "Z+1"-guided rule, docs/scattering_native.md §3.2).
#include <cstddef>
#include <string>
#include <vector>

#include "core/scattering/native/radial.hpp"
#include "core/scattering/phase_shifts.hpp"

namespace xasforge::scattering::native {

struct Orbital {
  int n = 1, l = 0;
  double occupation = 0.0;
  double energy_Ha = 0.0;  ///< eigenvalue (filled by solve_atom)
  friend bool operator==(const Orbital&, const Orbital&) = default;
};

/// An electron configuration (orbital list in filling order).
struct Configuration {
  int z = 0;
  std::vector<Orbital> orbitals;
  double electrons() const;
  std::string label() const;  ///< e.g. "Z29 1s1 2s2 ... 3d10 4s2" (cache key, messages)
};

/// Configuration of the neutral atom Z (1 ≤ Z ≤ 98) as FEFF 8.5L's atom code uses it (its own
/// table, generated into feff_configurations.inc by scripts/regen_native_configurations.py; e.g.
/// Ni 3d8 4s1 4p1). Parity with FEFF needs this table: the density tails, hence the interstitial,
/// depend on it (docs/scattering_native.md §3.1).
Configuration ground_configuration(int z);

/// Textbook neutral ground state: Madelung filling with the anomalous ground states tabulated by
/// NIST (Atomic Spectra Database, ground levels).
Configuration textbook_ground_configuration(int z);

/// Final state of an absorber of element Z at `edge`: one electron removed from the core level
/// (1s for K, 2s for L1, 2p for L2/L3) and one screening electron added to the first orbital of
/// the (Z+1) ground configuration whose occupation exceeds Z's by more than ½.
Configuration core_hole_configuration(int z, Edge edge);

struct Atom {
  Configuration config;      ///< with orbital energies
  RadialGrid grid;
  std::vector<double> rho;   ///< electron density (electrons / bohr³) on grid.r
  std::vector<double> vcoul; ///< Coulomb potential −Z/r + V_H (Ha)
  std::vector<double> vtot;  ///< vcoul + V_xc (the self-consistent Kohn–Sham potential)
  int iterations = 0;
};

/// The common grid of every native calculation: r from 1.67e-5 bohr (x0 = −11) to 40 bohr, step
/// 0.01 in ln r.
const RadialGrid& standard_grid();

/// Solves the atom self-consistently. Throws PhysicsError when an orbital cannot be bound or the
/// iteration does not converge (names the configuration).
Atom solve_atom(const Configuration& config);

/// Eigenvalue (Ha) of the bound state (n, l) of the radial equation in the potential v (sampled
/// on standard_grid(); the nucleus of charge z sets the start of the regular solution). Exposed
/// for tests (e.g. the hydrogen-like Dirac 1s energy). Throws PhysicsError if it is not bound.
double bound_state_energy(const std::vector<double>& v, int z, int n, int l);

/// von Barth–Hedin exchange–correlation potential (Ha) of the unpolarised electron gas of
/// density rho (bohr⁻³); 0 for rho ≤ 0.
double vxc_vbh(double rho);

}  // namespace xasforge::scattering::native
