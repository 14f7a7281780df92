#pragma once
/// PhaseShiftProvider that runs FEFF 8.5L's input, potential and phase modules (`feff8l_rdinp`,
/// `feff8l_pot`, `feff8l_xsph`) in a private scratch folder (unique per process and call,
/// removed afterwards) and reads phaseNN.dat, pot.pad and pot.json (feff_files.hpp). Results are
/// cached in memory per (structure, absorber class, settings) by the PhaseShiftCache every
/// provider uses; the absorber class is the sorted list of (potential, Z, distance to 1e-4 Å) of
/// the absorber's cluster, so symmetry-equivalent absorbers of one structure share one FEFF run.
/// Thread-safe.
#include <cstddef>
#include <string>

#include "core/scattering/feff_input.hpp"
#include "core/scattering/phase_shift_cache.hpp"
#include "core/scattering/phase_shift_provider.hpp"

namespace xasforge::scattering {

class FeffPhaseProvider final : public PhaseShiftProvider {
 public:
  PhaseShifts compute(const structure::Structure& structure, std::size_t absorber_site,
                      const PhaseSettings& settings) override;

  /// Runs the three FEFF modules on a prepared cluster (no cache). A missing executable or a
  /// failing module throws PhysicsError naming the module and quoting the end of its output.
  static PhaseShifts run_feff(const feff::FeffCluster& cluster, const PhaseSettings& settings,
                              const std::string& title = "xasforge phase shifts");

  std::size_t feff_runs() const { return cache_.computed(); }
  std::size_t cache_hits() const { return cache_.hits(); }
  std::size_t cache_size() const { return cache_.size(); }
  void clear_cache() { cache_.clear(); }

 private:
  PhaseShiftCache cache_;
};

/// Stable hash of a structure (lattice, species, coordinates to 1e-6 Å), hex.
std::string structure_hash(const structure::Structure& structure);
/// The absorber-class signature used by the cache (see above), hex hash.
std::string absorber_class_key(const feff::FeffCluster& cluster);

}  // namespace xasforge::scattering
