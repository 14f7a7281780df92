#pragma once
/// Interpolation table of the curved-wave χ̃ of three-leg (double-scattering) paths
/// 0 → a → b → 0 for configuration averages (docs/physics.md §8.1).
///
/// In a disordered snapshot every double-scattering path is a unique triangle, so the exact
/// configuration average needs one Rehr–Albers evaluation per path and absorber (the dominant
/// cost). The polarization-averaged χ̃ of such a path depends only on the triangle's shape and
/// the two scatterers' potentials: the legs r1 = |a|, r2 = |b − a| and the scattering angle β at
/// a (r3 = |b| follows). Taken out of it are the factors that vary fast with the geometry,
///   χ̃ = g(r1, r2, β; E) · e^{i(p − k)L} / (r1 r2 r3),   L = r1 + r2 + r3,
/// (the propagation phase and damping and the 1/ρ of each leg, docs/physics.md §3.8); the remainder
/// g (e^{2iδ_l0} Tr(M P) of the curved-wave matrices) is smooth, and is interpolated
/// trilinearly on a grid in (r1, r2, β). Grid nodes are computed on demand by the exact
/// Rehr–Albers calculator (one synthetic planar triangle per node) and kept, so the cost of a
/// node is shared by every path of every snapshot and absorber near it.
///
/// Thread safety: one table may be shared by calculators on several threads (lookups under a
/// shared lock; a missing node is computed with the caller's Rehr–Albers calculator outside the
/// lock and inserted under an exclusive one; node storage never moves).
///
/// Accuracy: tests/core/ensemble/test_average.cpp compares configuration averages with this
/// table against the exact per-path F_eff (R-factor of χ ≤ 1e-4 required).
#include <complex>
#include <cstdint>
#include <shared_mutex>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/scattering/phase_shifts.hpp"
#include "core/scattering/rehr_albers.hpp"
#include "core/scattering/scattering_path.hpp"

namespace xasforge::ensemble {

struct TriangleTableOptions {
  double dr_A = 0.02;       ///< grid step of the legs r1, r2 (Å)
  double dbeta_rad = 0.03;  ///< grid step of the scattering angle β at the first scatterer (rad)
};

class TriangleTable {
 public:
  /// `phases` must outlive the table. InputError for non-positive grid steps.
  TriangleTable(const scattering::PhaseShifts& phases, TriangleTableOptions options = {});

  /// χ̃ of a path with exactly two scatterers (absorber at the origin) on the EXAFS grid of the
  /// phase shifts, interpolated; nodes missing from the table are computed with `ra` (which must
  /// be bound to the same phase shifts).
  /// InputError if the path does not have two scatterers.
  void chi_tilde(const scattering::ScatteringPath& path, scattering::RehrAlbersCalculator& ra,
                 std::span<std::complex<double>> out);

  std::size_t n_nodes() const {
    std::shared_lock lock(mutex_);
    return nodes_.size();
  }
  std::size_t memory_bytes() const { return n_nodes() * ne_ * sizeof(std::complex<double>); }
  const scattering::PhaseShifts& phases() const { return *phases_; }
  const TriangleTableOptions& options() const { return options_; }

 private:
  const std::complex<double>* node(int ipa, int ipb, long i1, long i2, long ib, scattering::RehrAlbersCalculator& ra);
  const scattering::PhaseShifts* phases_;
  TriangleTableOptions options_;
  std::size_t ne_ = 0;
  std::vector<std::complex<double>> dp_;  // i(p − k) per energy
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::uint64_t, std::vector<std::complex<double>>> nodes_;
};

}  // namespace xasforge::ensemble
