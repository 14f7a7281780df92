#pragma once
/// The result cache every phase-shift provider shares: phase shifts per (structure, absorber
/// class, settings), where the absorber class is absorber_class_key() of the absorber's cluster
/// (feff_phase_provider.hpp), so symmetry-equivalent absorbers of one structure are computed once.
/// Thread-safe; the lock is not held while a missing entry is computed (two threads may then
/// compute the same entry; the first stored one is kept, and both are the same numbers).
#include <atomic>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/scattering/feff_input.hpp"
#include "core/scattering/phase_shift_provider.hpp"

namespace xasforge::scattering {

class PhaseShiftCache {
 public:
  /// Builds the absorber's cluster (feff::make_feff_cluster with settings.cluster_radius_A) and
  /// returns the cached phase shifts of its key, or make(cluster), stored under the key.
  PhaseShifts get_or_compute(const structure::Structure& structure, std::size_t absorber_site,
                             const PhaseSettings& settings,
                             const std::function<PhaseShifts(const feff::FeffCluster&)>& make);

  std::size_t hits() const { return hits_.load(); }
  std::size_t computed() const { return computed_.load(); }  ///< calls of make
  std::size_t size() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const PhaseShifts>> entries_;
  std::atomic<std::size_t> hits_{0}, computed_{0};
};

}  // namespace xasforge::scattering
