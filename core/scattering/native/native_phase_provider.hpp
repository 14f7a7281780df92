#pragma once
/// The native PhaseShiftProvider (docs/scattering_native.md): free atoms (atom.hpp), overlapped
/// muffin-tin potentials (Mattheiss 1964), Norman and muffin-tin radii, interstitial potential and
/// Fermi level, the Hedin–Lundqvist self-energy (self_energy.hpp) and scalar-relativistic phase
/// shifts at complex energies on FEFF's EXAFS grid, all in process. Atoms are cached per
/// configuration inside the provider (a campaign solves each atom once per provider); results
/// per (structure, absorber class, settings) like the FEFF provider. Thread-safe.
#include <atomic>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/scattering/feff_input.hpp"
#include "core/scattering/native/atom.hpp"
#include "core/scattering/native/self_energy.hpp"
#include "core/scattering/phase_shift_cache.hpp"
#include "core/scattering/phase_shift_provider.hpp"

namespace xasforge::scattering::native {

/// Intermediate results of one potential calculation (for tests and the benchmark).
struct MuffinTinReport {
  std::vector<double> rnorm_A, rmt_A, overlap_factor;  ///< per ipot
  double vint_eV = 0.0, rs_int = 0.0, kf_invA = 0.0, mu_eV = 0.0, core_hole_width_eV = 0.0;
  double atoms_s = 0.0, potential_s = 0.0, phases_s = 0.0;  ///< CPU seconds of the stages
};

/// Core-hole width (FWHM, eV) of element z at an edge: Krause & Oliver, J. Phys. Chem. Ref.
/// Data 8, 329 (1979), with Keski-Rahkonen & Krause (1974) where K&O give none (as tabulated by
/// xraydb, public domain). Throws InputError outside Z = 1..98 or where no width is known.
double core_hole_width_eV(int z, Edge edge);

class NativePhaseProvider final : public PhaseShiftProvider {
 public:
  PhaseShifts compute(const structure::Structure& structure, std::size_t absorber_site,
                      const PhaseSettings& settings) override;

  /// The whole calculation on a prepared cluster (no result cache; atoms are cached).
  PhaseShifts compute_cluster(const feff::FeffCluster& cluster, const PhaseSettings& settings,
                              MuffinTinReport* report = nullptr);

  /// Free atom of a configuration, solved once per provider.
  std::shared_ptr<const Atom> atom(const Configuration& config);

  std::size_t atoms_solved() const { return atoms_solved_.load(); }
  std::size_t runs() const { return cache_.computed(); }
  std::size_t cache_hits() const { return cache_.hits(); }

 private:
  std::mutex mutex_;  // guards atoms_
  std::map<std::string, std::shared_ptr<const Atom>> atoms_;
  PhaseShiftCache cache_;
  HedinLundqvistTable hl_;
  std::atomic<std::size_t> atoms_solved_{0};
};

}  // namespace xasforge::scattering::native
