#pragma once
/// Writes xasforge's scattering paths as FEFF `feffNNNN.dat` files (and `paths.dat`), so that
/// programs that read FEFF's path files (Larch's feffpath/feffit, Artemis) fit measured data with
/// xasforge's paths. The columns follow docs/python.md ("FEFF path files") and docs/physics.md §1.3:
/// k, Φ_c = 2 Re δ_l0 + l0π (continuous), |F_eff|, arg F_eff (continuous), r_c = e^{−2 Im δ_l0},
/// λ = 1/Im p, Re p. Numbers carry more digits than FEFF prints (free-format readers take them).
#include <filesystem>
#include <string>
#include <vector>

#include "core/scattering/chi_sum.hpp"
#include "core/scattering/phase_shift_provider.hpp"
#include "core/scattering/phase_shifts.hpp"
#include "core/scattering/rehr_albers.hpp"
#include "core/scattering/scattering_path.hpp"
#include "core/scattering/spectrum.hpp"
#include "core/structure/structure.hpp"

namespace xasforge::scattering {

/// The seven columns of one path on the EXAFS grid of its phase shifts.
struct FeffPathColumns {
  std::vector<double> k_invA, central_phase, mag_feff_A, phase_feff, red_factor, lambda_A, real_p_invA;
};

/// Columns of `path` from the Rehr–Albers amplitude (docs/physics.md §3.8: F = χ̃ kR² e^{2R Im p}/r_c e^{−iΦ_c}).
FeffPathColumns feff_path_columns(const ScatteringPath& path, const PhaseShifts& phases, RehrAlbersCalculator& calc);

/// Writes one feffNNNN.dat (N = path.index). `title` is the first header line; absorber_z the
/// absorber's atomic number. Throws InputError naming the file if it cannot be written.
void write_feff_dat(const std::filesystem::path& file, const std::string& title, const ScatteringPath& path,
                    int absorber_z, const PhaseShifts& phases, RehrAlbersCalculator& calc);

/// Writes, into `dir` (created if missing), paths.dat for every path and feffNNNN.dat for every
/// path whose contribution is marked `included` (the curved-wave filter of the χ sum), matched by
/// path index. Returns the feffNNNN.dat files written, in path order.
std::vector<std::filesystem::path> write_feff_path_files(const std::filesystem::path& dir, const std::string& title,
                                                         const std::vector<ScatteringPath>& paths,
                                                         const std::vector<PathContribution>& contributions,
                                                         int absorber_z, const PhaseShifts& phases,
                                                         const SpectrumSettings& settings);

/// The same for one absorber of a structure: cluster, phase shifts (from the provider, which
/// caches them) and paths exactly as compute_spectrum() makes them.
std::vector<std::filesystem::path> write_feff_path_files(const std::filesystem::path& dir,
                                                         const structure::Structure& structure,
                                                         std::size_t absorber_site, const SpectrumSettings& settings,
                                                         PhaseShiftProvider& provider, const Spectrum& spectrum);

}  // namespace xasforge::scattering
