#pragma once
/// Configuration average of χ(k) over snapshots and absorbers (Palmer, Pfund & Fulton,
/// J. Phys. Chem. 100, 13393 (1996); docs/physics.md (E8.1)):
///   χ(k) = (1/(N_t N_a)) Σ_t Σ_a χ_{t,a}(k),
/// with the standard error from the spread of the per-snapshot means (absorbers in one snapshot
/// are correlated; snapshots are assumed spaced beyond the correlation time). With a single
/// snapshot the standard error falls back to the spread over absorbers.
///
/// The forward model is any callable (snapshot, absorber) → χ(k) on a fixed grid, so the same
/// averaging serves the full path expansion (SnapshotChiCalculator), a fast single-scattering
/// model, or a campaign work item computing one (snapshot, absorber batch).
#include <cstddef>
#include <functional>
#include <vector>

#include "core/structure/structure.hpp"

namespace xasforge::ensemble {

using SnapshotChiFunction = std::function<std::vector<double>(const structure::Structure&, std::size_t)>;

/// Running sums; add() one χ_{t,a} at a time or merge() partial sums (e.g. from other ranks).
class ConfigurationAverage {
 public:
  explicit ConfigurationAverage(std::size_t n_k = 0) : n_k_(n_k) {}
  /// Adds the mean over the absorbers of one snapshot (weight = number of absorbers) and its
  /// per-absorber spectra (for the single-snapshot error estimate).
  void add_snapshot(const std::vector<std::vector<double>>& chi_per_absorber);
  void merge(const ConfigurationAverage& other);
  std::size_t n_snapshots() const { return n_snapshots_; }
  std::size_t n_spectra() const { return n_spectra_; }
  std::vector<double> mean() const;
  std::vector<double> standard_error() const;

 private:
  std::size_t n_k_;
  std::size_t n_snapshots_ = 0, n_spectra_ = 0;
  std::vector<double> sum_, sum_snapshot_mean_, sum_snapshot_mean2_, sum_spectra2_;
};

struct AverageResult {
  std::vector<double> chi;
  std::vector<double> stderr_chi;
  std::size_t n_snapshots = 0;
  std::size_t n_spectra = 0;
};

/// Averages χ over every snapshot and, per snapshot, the absorbers `absorbers(snapshot)` lists.
/// Throws InputError if a snapshot yields no absorber.
AverageResult configuration_average(const std::vector<structure::Structure>& snapshots,
                                    const std::function<std::vector<std::size_t>(const structure::Structure&)>& absorbers,
                                    const SnapshotChiFunction& chi_of);

/// Every site of element z (helper for --all-sites).
std::vector<std::size_t> sites_of_element(const structure::Structure& s, int z);

}  // namespace xasforge::ensemble
