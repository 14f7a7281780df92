#pragma once
/// First-shell EXAFS fit in R space, the way Larch's feffit fits paths (docs/debye_waller.md,
/// "Fitting measured spectra"): χ(k) of a few single-scattering paths of one shell, computed by
/// xasforge (F_eff from the phase shifts, Larch's path convention), with shared parameters
///   S0² (amplitude; N·S0² = S0² × degeneracy of the first path), ΔE0, σ², and ΔR = α·R_eff
/// (one expansion for every path of the shell), is Fourier transformed with the data's window
/// and fitted to the real and imaginary parts of the data's χ(R) over [rmin, rmax] by
/// Levenberg–Marquardt (Moré, Lecture Notes in Math. 630, 105 (1978)).
#include <complex>
#include <vector>

#include "core/scattering/phase_shifts.hpp"
#include "core/scattering/scattering_path.hpp"
#include "core/xafs/fourier_transform.hpp"

namespace xasforge::scattering {

struct ShellFitOptions {
  xafs::XftfOptions xftf = [] {
    xafs::XftfOptions o;
    o.kmin_invA = 3.0;
    o.kmax_invA = 12.0;
    o.dk_invA = 1.0;
    o.kweight = 2.0;
    o.window = xafs::WindowKind::kHanning;
    return o;
  }();
  double rmin_A = 1.0;
  double rmax_A = 3.0;
  int max_iterations = 200;
};

struct ShellFitParameters {
  double s02 = 1.0;
  double e0_eV = 0.0;
  double delta_r_A = 0.0;  ///< ΔR of the first path; path i gets ΔR·R_i/R_1
  double sigma2_A2 = 0.005;
};

struct ShellFitResult {
  ShellFitParameters best;
  ShellFitParameters uncertainty;  ///< 1σ from the covariance scaled as below
  double n_s02 = 0.0;              ///< S0² × degeneracy of the first path
  double n_s02_uncertainty = 0.0;
  double r_factor = 0.0;           ///< Σ|χ_data(R) − χ_model(R)|² / Σ|χ_data(R)|² over the window
  double n_independent = 0.0;      ///< 2 Δk ΔR / π (Stern, PRB 48, 9825 (1993))
  int n_points = 0;                ///< residual entries (2 per R point: real and imaginary)
  int iterations = 0;
  bool converged = false;
  std::vector<double> r_A;                   ///< R grid of the window
  std::vector<std::complex<double>> data_chir, model_chir;
};

/// chi_tilde[i]: χ̃ of paths[i] on the phase-shift grid (RehrAlbersCalculator::chi_tilde). The data
/// χ(k) may be on any increasing grid (it is interpolated as xftf does). Throws InputError for
/// empty paths, mismatched sizes or a window with fewer independent points than parameters;
/// PhysicsError if the fit does not produce a finite result.
ShellFitResult fit_shell(const PhaseShifts& phases, const std::vector<ScatteringPath>& paths,
                         const std::vector<std::vector<std::complex<double>>>& chi_tilde,
                         const std::vector<double>& k_invA, const std::vector<double>& chi,
                         const ShellFitOptions& options, ShellFitParameters start = {});

/// The model χ(k) of the shell for given parameters (on the 0.05 Å⁻¹ grid the path sum uses).
void shell_model_chi(const PhaseShifts& phases, const std::vector<ScatteringPath>& paths,
                     const std::vector<std::vector<std::complex<double>>>& chi_tilde, const ShellFitParameters& p,
                     double k_max_invA, std::vector<double>& k_out, std::vector<double>& chi_out);

}  // namespace xasforge::scattering
