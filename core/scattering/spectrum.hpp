#pragma once
/// The whole EXAFS calculation for one absorber: cluster → phase shifts → paths → F_eff → σ² →
/// χ(k) (docs/physics.md §1–4; path equation (E1.4)). This is the service the campaign and ensemble code call.
#include <cstddef>
#include <string>
#include <vector>

#include "core/scattering/chi_sum.hpp"
#include "core/scattering/debye_waller.hpp"
#include "core/scattering/path_finder.hpp"
#include "core/scattering/phase_shift_provider.hpp"
#include "core/scattering/rehr_albers.hpp"
#include "core/structure/structure.hpp"

namespace xasforge::scattering {

struct SpectrumSettings {
  PhaseSettings phase;                          ///< edge and the cluster radius given to the potentials
  PathFinderOptions paths;                      ///< rmax (half path length), max legs, critpw: defaults::
  RehrAlbersOptions feff;                       ///< iorder (2)
  std::string sigma2_model = "correlated-debye";  ///< see make_debye_waller_model()
  DebyeWallerSettings debye_waller;             ///< r_norm,av is taken from the phase shifts when 0
  double c3_A3 = 0.0;                           ///< third cumulant of every path
  double c4_A4 = 0.0;                           ///< fourth cumulant of every path
  ChiSumSettings chi;                           ///< S0², ΔE0, critcw, grid, convention
};

/// χ(k) for the absorber at `absorber_site` of a structure (periodic or cluster). Phase shifts
/// come from the provider (which caches per absorber class); paths from find_paths() on the
/// provider's cluster. Throws InputError for bad settings, PhysicsError when no path is found.
/// workspace (all overloads): the caller's Rehr–Albers table memory, one per thread, reused by
/// the calculator of each call (nullptr: a private one per call; results are the same).
Spectrum compute_spectrum(const structure::Structure& structure, std::size_t absorber_site,
                          const SpectrumSettings& settings, PhaseShiftProvider& provider,
                          RehrAlbersWorkspace* workspace = nullptr);

/// χ(k) for a prepared atom list with precomputed phase shifts (MD snapshots: phase shifts once,
/// geometry per snapshot). atoms: the absorber is the first atom with ipot 0; every ipot must have
/// phase shifts. settings.phase is not used.
Spectrum compute_spectrum(const std::vector<PathAtom>& atoms, const PhaseShifts& phases, const SpectrumSettings& settings,
                          RehrAlbersWorkspace* workspace = nullptr);

/// The same from paths already found (e.g. FEFF's paths.dat): F_eff, σ² and the sum. `atoms`: the
/// cluster the paths index (ScatteringPath::atom_index); required by the force-constant σ² models.
Spectrum compute_spectrum(const std::vector<ScatteringPath>& paths, int absorber_z, const PhaseShifts& phases,
                          const SpectrumSettings& settings, const std::vector<PathAtom>* atoms = nullptr,
                          RehrAlbersWorkspace* workspace = nullptr);

}  // namespace xasforge::scattering
