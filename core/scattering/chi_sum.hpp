#pragma once
/// χ(k) as the sum of path contributions (docs/physics.md §1.2, §1.4, §4.3), in FEFF's ff2x
/// convention (default) or Larch's path2chi/feffit convention.
#include <complex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/scattering/phase_shifts.hpp"
#include "core/scattering/scattering_path.hpp"

namespace xasforge::scattering {

enum class ChiConvention {
  kFeff,   ///< ff2x: amplitude and phase linearly interpolated separately, D(p) with complex p
  kLarch,  ///< Larch: cubic interpolation of |F|r_c, phase, Re p, λ at q; extra −4pσ²/R phase
};

/// "feff" or "larch"; InputError listing both otherwise.
ChiConvention chi_convention_from_name(std::string_view name);

/// Per-path cumulants beyond the amplitude (Bunker, Nucl. Instrum. Methods 207, 437 (1983); docs/physics.md (E4.4)): D = exp(2ipC1 − 2p²σ² − (4/3)ip³C3 + (2/3)p⁴C4).
struct PathParameters {
  double sigma2_A2 = 0.0;
  double delta_r_A = 0.0;  ///< C1 = ΔR
  double c3_A3 = 0.0;
  double c4_A4 = 0.0;
};

struct ChiSumSettings {
  double s02 = 1.0;
  double e0_eV = 0.0;                ///< ΔE0: the theory is evaluated at q = sign(q²)√|q²|, q² = k² − ETOK·ΔE0 (docs/physics.md (E1.3))
  double critcw_percent = 4.0;       ///< curved-wave filter (FEFF CRITERIA critcw)
  double k_step_invA = 0.05;         ///< output grid step (ff2x: 0.05)
  double k_max_invA = 20.0;          ///< output grid end (capped at the last phase-grid k)
  ChiConvention convention = ChiConvention::kFeff;
};

/// What each path contributed (written by the CLI's --paths and kept in results files).
struct PathContribution {
  int index = 0;
  int n_legs = 0;
  double degeneracy = 0.0;
  double reff_A = 0.0;
  double pw_importance_percent = 0.0;
  double cw_importance_percent = 0.0;  ///< 100 N∫|χ̃|d|p| / (N_1∫|χ̃_1|d|p|), path 1 = first path
  double sigma2_A2 = 0.0;
  bool included = false;               ///< passed the curved-wave filter
};

/// χ(k) on the output grid; chi = Im χ̃_tot, chi_mag = |χ̃_tot|, chi_phase = arg χ̃_tot (unwrapped).
struct Spectrum {
  std::vector<double> k_invA, chi, chi_mag, chi_phase;
  std::vector<PathContribution> paths;
  /// Seconds per stage when measured by compute_spectrum(): process CPU for cluster, path finder,
  /// F_eff, σ² and sum; wall for the phase shifts (FEFF child processes).
  double cluster_s = 0.0, phases_s = 0.0, paths_s = 0.0, feff_s = 0.0, sigma2_s = 0.0, sum_s = 0.0;
};

/// Sums paths (docs/physics.md §1.4). chi_tilde[i] is χ̃ of paths[i] on the EXAFS grid of `phases`
/// (RehrAlbersCalculator::chi_tilde: no N, S0², DW, e^{2ikR} factored out); params[i] its σ² and
/// cumulants. The cw filter is relative to paths[0]. Throws InputError on size mismatches.
Spectrum sum_paths(const PhaseShifts& phases, const std::vector<ScatteringPath>& paths,
                   const std::vector<std::vector<std::complex<double>>>& chi_tilde,
                   const std::vector<PathParameters>& params, const ChiSumSettings& settings);

/// R-factor Σ w(a−b)² / Σ w b² with weight k^kweight over k in [k_min, k_max] (grids must agree
/// point by point; points of `b` outside the range are skipped). Used to compare spectra.
double r_factor(std::span<const double> k, std::span<const double> a, std::span<const double> b, double k_min,
                double k_max, int kweight);

}  // namespace xasforge::scattering
