#pragma once
/// One ensemble member of each kind, as plain core functions (no campaign file, no results file):
/// the physics the campaign's ensemble stages (workflows/stages/ensemble_stage.hpp) call. A
/// member is a periodic configuration built from an ideal structure:
///  * md: an NVT chain of the supercell, optionally at the potential's own zero-pressure cell
///    (run_md_member, relaxed_cell_scale);
///  * trajectory: a frame of a file (class_atoms_in_supercell maps its atoms to the structure);
///  * rmc: a reverse Monte Carlo chain fitted to a measured χ(k) (run_rmc_member).
/// From the configuration come the first-shell statistics and the mean σ² = 0 χ(k) over the
/// absorber class (first_shell_statistics, mean_snapshot_chi). docs/ensemble.md describes them.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/ensemble/md_engine.hpp"
#include "core/ensemble/md_system.hpp"
#include "core/ensemble/member_settings.hpp"
#include "core/ensemble/snapshot_chi.hpp"
#include "core/scattering/phase_shifts.hpp"
#include "core/structure/structure.hpp"

namespace xasforge::ensemble {

/// Perpendicular widths (Å) of the cell whose rows are the lattice vectors.
Eigen::Vector3d perpendicular_widths(const Eigen::Matrix3d& cell_rows_A);

/// Repeats (na, nb, nc) so that every perpendicular width of the supercell is >= min_width_A.
/// InputError for a cluster.
std::array<int, 3> supercell_repeats(const structure::Structure& s, double min_width_A);

/// Atoms of make_supercell(s, n...) that sit on `class_sites` (images outer, sites inner).
std::vector<std::size_t> supercell_class_atoms(const std::array<int, 3>& n, std::size_t n_sites,
                                               const std::vector<std::size_t>& class_sites);

/// Atoms of `supercell` (a periodic configuration whose cell is an integer combination of the
/// structure's cell, up to thermal strain, atoms in any order) that sit on one of `class_sites`
/// of `structure`: each atom is mapped to the nearest site of the same element. Throws
/// InputError if the cell is not a supercell or an atom is more than 0.3 × the nearest-neighbour
/// distance from every site of its element.
std::vector<std::size_t> class_atoms_in_supercell(const structure::Structure& structure,
                                                  const std::vector<std::size_t>& class_sites,
                                                  const structure::Structure& supercell);

/// First-shell window [lo, hi) (Å) around site `site` of the ideal structure: the nearest distance
/// d1, up to the midpoint to the next shell (at most 1.25 d1).
std::array<double, 2> first_shell_window(const structure::Structure& s, std::size_t site);

/// k, chi columns (CSV with a header, or whitespace columns; '#' comments). InputError naming the
/// file and line otherwise.
void read_k_chi(const std::string& path, std::vector<double>& k, std::vector<double>& chi);

/// Linear interpolation of (x, y) onto grid; NaN outside [x.front(), x.back()] (1e-9 slack).
std::vector<double> onto_grid(const std::vector<double>& x, const std::vector<double>& y,
                              const std::vector<double>& grid);

// --- md -------------------------------------------------------------------------------------

/// The potential an md member runs: `requested` (auto | sutton_chen | einstein) resolved for
/// structure `s`; auto is Sutton–Chen for an elemental structure with published parameters
/// (Sutton & Chen, Phil. Mag. Lett. 61, 139 (1990)), else the Einstein crystal. InputError if
/// sutton_chen is asked for a structure without parameters.
std::string resolve_md_potential(const structure::Structure& s, const std::string& requested);

/// Scales the cell and every position by f (isotropic strain about the origin).
void scale_isotropically(MdSystem& system, double f);

/// The isotropic scale f of `system` that minimises the static potential energy: golden-section
/// search (docs/physics.md (E11.2)) on [0.9, 1.1] to a bracket of 1e-7, f = the bracket's centre.
/// Running NVT at this cell leaves the crystal unstrained by the potential's own lattice constant.
double relaxed_cell_scale(const MdSystem& system, const std::string& potential,
                          const std::map<std::string, double>& params, const MdOptions& options);

struct MdMember {
  structure::Structure configuration;  ///< the snapshot after equilibration_steps
  std::array<int, 3> repeats{};        ///< of the structure's cell
};

/// One md member: the supercell of `s` (supercell_min_A), the resolved potential, the relaxed
/// cell if asked (potentials other than einstein), Maxwell–Boltzmann velocities at
/// temperature_K, then equilibration_steps NVT steps (MdEngine, streams of `seed`).
MdMember run_md_member(const structure::Structure& s, const MdMemberSettings& settings, std::uint64_t seed);

// --- rmc ------------------------------------------------------------------------------------

/// What an rmc member needs beyond its settings: the target, the fit range, the path expansion
/// and the absorber class of the ideal structure.
struct RmcMemberInputs {
  int absorber_z = 0;
  const scattering::PhaseShifts* phases = nullptr;  ///< of the absorber class (must outlive the call)
  std::vector<double> target_k_invA, target_chi;
  double k_min_invA = 3.0, k_max_invA = 12.0;
  int k_weight = 2;
  double s02 = 1.0;
  /// Path expansion of the multiple-scattering background (max_legs > 2 adds one); its rmax_A is
  /// also the upper bound of the pair range of χ.
  SnapshotChiOptions paths;
  std::vector<std::size_t> class_sites;  ///< sites of the absorber class in the ideal structure
  double d1_A = 0.0;                     ///< nearest-neighbour distance of the ideal structure
  std::uint64_t seed = 1;
  int chain = 0;
};

struct RmcMember {
  structure::Structure configuration;  ///< the final configuration of the chain
  std::vector<std::size_t> atoms;      ///< the absorber class's atoms in it
  std::vector<double> fit_k_invA, model_chi;
  double misfit = 0, r_factor = 0, s02 = 0;
};

/// One rmc member: the supercell of `s` (supercell_min_A) displaced by a Gaussian of
/// start_displacement_A per component (stream "rmc.start"), S0² and ΔE0 fitted to the start
/// (fit_s02_e0), then run_rmc annealed linearly from `temperature` to 0 with S0² refitted every
/// max(500, moves/40) moves, closest approach 0.78 d1 and pairs up to
/// min(paths.rmax_A, half the smallest cell width − 0.05 Å). With paths.max_legs > 2 the fixed
/// multiple-scattering background of the start (four class atoms) is added.
RmcMember run_rmc_member(const structure::Structure& s, const RmcMemberSettings& settings,
                         const RmcMemberInputs& inputs);

// --- any kind -------------------------------------------------------------------------------

struct FirstShellStatistics {
  double sigma2_A2 = 0;  ///< variance of absorber–neighbour distances in the window (NaN: none)
  double mean_r_A = 0;   ///< their mean (NaN: none)
};

/// First-shell σ² and mean distance over the pairs of `atoms` with neighbours in [window[0], window[1]).
FirstShellStatistics first_shell_statistics(const structure::Structure& configuration,
                                            const std::vector<std::size_t>& atoms, const std::array<double, 2>& window);

struct MeanSnapshotChi {
  std::vector<double> chi;  ///< on feff_output_k_grid()
  double mean_paths = 0;    ///< paths per absorber
};

/// Mean χ(k) with σ² = 0 over `atoms` of `configuration` (in the given order, so the sum is the
/// same on every rank). A fresh SnapshotChiCalculator per call: its caches fill in the order paths
/// are met and their last bits depend on it, so a calculator carried from one member to the next
/// would make a result depend on what was computed before.
MeanSnapshotChi mean_snapshot_chi(const scattering::PhaseShifts& phases, const SnapshotChiOptions& options,
                                  const structure::Structure& configuration, const std::vector<std::size_t>& atoms);

}  // namespace xasforge::ensemble
