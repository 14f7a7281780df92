#pragma once
/// Multiple-scattering path finder, FEFF 8.5L `pathfinder` semantics (Zabinsky et al., PRB 52,
/// 2995 (1995); docs/physics.md §2):
/// every path 0 -> a_1 -> ... -> a_n -> 0 with n <= max_legs - 1 scatterers and half length
/// <= rmax, grouped into degenerate classes (standard frame + hash + time reversal, 1e-3 Å
/// tolerances as FEFF), ordered as FEFF orders them, filtered by the plane-wave criterion critpw
/// relative to the first group. Works on crystals and on disordered clusters (no symmetry used).
#include <cstddef>
#include <vector>

#include <Eigen/Dense>

#include "core/scattering/spectrum_defaults.hpp"
#include "core/scattering/phase_shifts.hpp"
#include "core/scattering/scattering_path.hpp"

namespace xasforge::scattering {

/// One atom of the cluster given to the path finder.
struct PathAtom {
  Eigen::Vector3d position_A;  ///< Cartesian position (Å); any origin
  int ipot = 0;                ///< unique potential (0 = absorber)
  int z = 0;                   ///< atomic number
  double mass_amu = 0.0;       ///< mass (Debye–Waller models); 0 = take the standard mass of z
};

struct PathFinderOptions {
  double rmax_A = defaults::kRmax_A;  ///< maximum half path length (FEFF RPATH)
  int max_legs = defaults::kMaxLegs;  ///< maximum number of legs (FEFF NLEG), 2..9 (at most 8 scatterers)
  double critpw = defaults::kCritpwPercent;   ///< plane-wave importance cut, % of the first path (FEFF CRITERIA 2nd value)
  /// FEFF groups paths by a hash of standard-frame coordinates rounded to 1e-3 Å, so equivalent
  /// paths whose coordinate sits on a rounding boundary (e.g. 2.0885 Å in a translated or rotated
  /// crystal) can land in different groups and change the pw reference. When true (default), such
  /// split groups are merged again if their frames agree within FEFF's 1e-3 Å; on FEFF's own
  /// inputs this changes nothing (all fixtures are reproduced either way). false = FEFF exactly.
  bool robust_degeneracy = true;
};

struct PathFinderStats {
  std::size_t atoms_used = 0;        ///< atoms within rmax of the absorber
  std::size_t paths_enumerated = 0;  ///< ordered atom sequences (FEFF "Paths found")
  std::size_t unique_paths = 0;      ///< degeneracy groups before the pw filter
  std::size_t paths_kept = 0;        ///< groups that pass critpw (returned)
  double total_degeneracy_kept = 0;  ///< FEFF "total paths"
  std::size_t tolerance_merges = 0;  ///< groups merged by robust_degeneracy
};

/// The absorber is the first atom with ipot 0 (positions are returned relative to it). The
/// plane-wave importance uses the phase shifts (f_β tables on the EXAFS grid, §2.3); every ipot of
/// `atoms` must have phase shifts. Throws InputError for bad options, a missing absorber or
/// missing potentials; PhysicsError if two non-equivalent paths share a hash (FEFF's check).
std::vector<ScatteringPath> find_paths(const std::vector<PathAtom>& atoms, const PhaseShifts& phases,
                                       const PathFinderOptions& options, PathFinderStats* stats = nullptr);

/// Plane-wave amplitude tables f_β(ip, cos β, E) = |Σ_l (2l+1) t_l P_l(cos β)| on the 81-point
/// cos β grid (−1, −0.975, …, 1) for every potential and EXAFS-grid energy (docs/physics.md §2.3).
struct PlaneWaveTables {
  static constexpr int kNBeta = 40;  ///< grid index −40..40
  std::size_t n_energy = 0;
  std::size_t n_pot = 0;
  std::vector<float> fbeta;           ///< [(ipot * 81 + (ibeta + 40)) * n_energy + ie]
  std::vector<double> re_p_invA;      ///< Re p per energy (FEFF's cksp)
  std::vector<double> lambda_A;       ///< mean free path 1/Im p per energy (FEFF's xlam)
  float at(int ipot, int ibeta, std::size_t ie) const {
    return fbeta[(static_cast<std::size_t>(ipot) * 81 + static_cast<std::size_t>(ibeta + kNBeta)) * n_energy + ie];
  }
};
PlaneWaveTables make_plane_wave_tables(const PhaseShifts& phases);

/// The same as find_paths(atoms, phases, ...) with plane-wave tables prepared once by
/// make_plane_wave_tables(phases) (identical results): for many clusters sharing one set of
/// phase shifts, e.g. every (snapshot, absorber) of a configuration average (docs/physics.md §8.1),
/// where rebuilding the tables per call costs as much as the search itself.
std::vector<ScatteringPath> find_paths(const std::vector<PathAtom>& atoms, const PlaneWaveTables& tables,
                                       const PathFinderOptions& options, PathFinderStats* stats = nullptr);

/// FEFF's nearest-grid index of a cos β (single precision, round-half-down; docs/physics.md §2.3).
int cos_beta_index(double cos_beta);

}  // namespace xasforge::scattering
