#pragma once
/// χ(k) of one absorber in one snapshot with σ² = 0 (docs/physics.md (E8.1)): the instantaneous cluster
/// around the absorber, every path up to r_max and max_legs found from that geometry by
/// scattering::find_paths, FEFF's plane-wave (critpw, §2.4) and curved-wave
/// (critcw, §3.10) filters, Rehr–Albers F_eff with phase shifts computed ONCE for the average
/// structure, and FEFF ff2x's sum (§1.4: amplitude and phase interpolated separately onto the
/// 0.05 Å⁻¹ grid). Disorder enters only through the geometry.
#include <cstddef>
#include <memory>
#include <vector>

#include "core/ensemble/pair_chi_table.hpp"
#include "core/ensemble/triangle_table.hpp"
#include "core/scattering/path_finder.hpp"
#include "core/scattering/phase_shifts.hpp"
#include "core/scattering/rehr_albers.hpp"
#include "core/scattering/scattering_path.hpp"
#include "core/structure/structure.hpp"

namespace xasforge::ensemble {

/// FEFF's output grid: k = 0, 0.05, … 20 Å⁻¹ (401 points, docs/physics.md §1.4 step 4).
std::vector<double> feff_output_k_grid();

struct SnapshotChiOptions {
  double rmax_A = 5.0;            ///< maximum half path length (FEFF RPATH)
  int max_legs = 3;               ///< FEFF NLEG
  double cluster_radius_A = 7.0;  ///< atoms considered around the absorber
  double critpw_percent = 2.5;    ///< FEFF CRITERIA defaults
  double critcw_percent = 4.0;
  double s02 = 1.0;
  /// Single-scattering paths from a PairChiTable (the same F_eff and ff2x recipe, tabulated in r
  /// every 0.002 Å: ≤ 4·10⁻⁴ of the amplitude) instead of a Rehr–Albers call per path. Such paths
  /// skip the critcw filter (a lone SS path within r_max ≤ 2.5 first-shell distances carries far
  /// more than 4 % of the first path's importance).
  /// Why a separate fast path: scattering::compute_spectrum evaluates F_eff per path, which is right
  /// for a crystal (a few dozen degenerate classes). In a disordered snapshot every SS leg has its
  /// own length, so each of the ~80 SS paths of a 5 Å Cu cluster would cost a full Rehr–Albers
  /// call; a SS path depends only on (ipot, r), so one table per potential, built once per phase
  /// set, replaces them with an interpolation (the dominant cost of the 256-absorber average).
  /// Path enumeration itself is NOT duplicated: it is scattering::find_paths.
  bool tabulate_single_scattering = true;
  /// Double-scattering (three-leg) paths from a TriangleTable: χ̃ interpolated in (r1, r2, β) from
  /// exact Rehr–Albers nodes computed on demand and shared by every path, absorber and snapshot
  /// near them (tested: R-factor of the configuration average against exact per-path F_eff
  /// ≤ 1e-4). false = one Rehr–Albers evaluation per path.
  bool tabulate_triangles = true;
  TriangleTableOptions triangle_grid;
};

/// χ(k) of one absorber of a snapshot. Paths come from scattering::find_paths (FEFF pathfinder
/// semantics: degeneracy classes, critpw relative to the first class), scatterers with the ipot
/// of the first potential of their Z (absorber: 0).
class SnapshotChiCalculator {
 public:
  /// `phases` must outlive the calculator. ipot of a scatterer: the first potential (≥ 1) whose
  /// Z matches; InputError if none.
  SnapshotChiCalculator(const scattering::PhaseShifts& phases, SnapshotChiOptions options);

  /// Paths of the cluster (positions relative to the absorber, Å; z of each; index 0 = absorber).
  std::vector<scattering::ScatteringPath> find_paths(const std::vector<Eigen::Vector3d>& position_A,
                                                     const std::vector<int>& z) const;
  /// χ(k) on feff_output_k_grid() of a cluster (index 0 = absorber at the origin).
  std::vector<double> chi_of_cluster(const std::vector<Eigen::Vector3d>& position_A, const std::vector<int>& z);
  /// χ(k) of site `absorber` of a periodic snapshot (or a cluster). Only atoms within rmax can be
  /// on a path, so only they are collected (for a periodic snapshot: per site only the lattice
  /// images that can lie within rmax, from the fractional coordinates), in build_cluster's order
  /// and with its arithmetic (the same positions bit for bit).
  std::vector<double> chi(const structure::Structure& snapshot, std::size_t absorber);
  /// Uses `other`'s double-scattering table (thread-safe) instead of its own, so calculators on
  /// several threads compute each node once. Both must be bound to the same phase shifts
  /// (InputError otherwise); no effect when either does not tabulate triangles.
  void share_triangle_table(const SnapshotChiCalculator& other);
  /// Nodes held by the double-scattering table (0 when not tabulated).
  std::size_t triangle_nodes() const { return triangles_ ? triangles_->n_nodes() : 0; }
  /// Number of paths used in the last chi() call (after both filters).
  std::size_t last_path_count() const { return last_path_count_; }
  const SnapshotChiOptions& options() const { return options_; }

 private:
  int ipot_of(int z) const;
  std::unique_ptr<scattering::PlaneWaveTables> pw_tables_;
  std::shared_ptr<TriangleTable> triangles_;
  const scattering::PhaseShifts* phases_;
  SnapshotChiOptions options_;
  std::unique_ptr<scattering::RehrAlbersCalculator> rehr_albers_;
  std::vector<double> k_out_;
  std::size_t ne_ = 0;
  std::size_t last_path_count_ = 0;
  std::vector<std::unique_ptr<PairChiTable>> ss_table_;  // index = ipot (null for 0)
};

}  // namespace xasforge::ensemble
