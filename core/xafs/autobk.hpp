#pragma once
/// AUTOBK background removal (Newville, Līviņš, Yacoby, Rehr & Stern, PRB 47, 14126 (1993)) as
/// Larch 0.9.58's autobk computes it (Newville et al., PRB 47, 14126 (1993);
/// docs/physics.md (E6.5)–(E6.6)).
#include <optional>
#include <vector>

#include "core/xafs/fft.hpp"
#include "core/xafs/ft_window.hpp"

namespace xasforge::xafs {

/// Larch's autobk arguments (defaults are Larch's). E0 and the edge step come from pre_edge.
struct AutobkOptions {
  double rbkg_A = 1.0;
  std::optional<int> nknots;
  double kmin_invA = 0.0;
  std::optional<double> kmax_invA;  ///< unset: the k of the last data point
  double kweight = 1.0;
  double dk_invA = 0.1;
  WindowKind window = WindowKind::kHanning;
  std::size_t nfft = 2048;
  double kstep_invA = 0.05;
  int nclamp = 3;
  double clamp_lo = 0.0;
  double clamp_hi = 1.0;
  /// Optional standard chi(k) (e.g. a model), linearly interpolated onto the output k grid and
  /// subtracted from chi before the chi(R) minimisation and the clamps (Larch's k_std, chi_std).
  std::vector<double> k_std_invA;
  std::vector<double> chi_std;
  /// Uncertainty bands of mu0(E) and chi(k) from the fit covariance (Larch's default: on).
  bool calc_uncertainties = true;
  double err_sigma = 1.0;  ///< confidence level of the bands, in standard deviations
};

struct AutobkResult {
  std::vector<double> k_invA;   ///< 0, kstep, … kmax
  std::vector<double> chi;      ///< (mu − bkg)/edge_step on k_invA
  std::vector<double> bkg;      ///< mu0(E) inside the fit range, mu elsewhere (length of energy)
  std::vector<double> chie;     ///< (mu − bkg)/edge_step on the energy grid
  std::vector<double> knots_k_invA;       ///< spline knot abscissae (the data k nearest the targets)
  std::vector<double> spline_coefficients;  ///< fitted B-spline coefficients
  int nspl = 0;                 ///< number of spline knots / coefficients
  int irbkg = 0;                ///< number of chi(R) points in the fit (R = 0 … ≈ rbkg)
  double kmax_invA = 0.0;
  int n_evaluations = 0;        ///< residual evaluations by the optimiser
  double chi_square = 0.0;      ///< final sum of squared residuals
  double reduced_chi_square = 0.0;
  /// Uncertainty bands (when calc_uncertainties): Student-t(err_sigma) × the propagated fit
  /// covariance. As in Larch 0.9.58, delta_chi is NOT divided by the edge step (a Larch quirk:
  /// it is in the units of mu − mu0); delta_bkg is on the energy grid, zero outside the fit.
  std::vector<double> delta_chi;
  std::vector<double> delta_bkg;
};

/// Throws InputError when the data above E0 are too few for the spline (fewer than 5 points or
/// fewer points than knots), PhysicsError when the fit fails.
AutobkResult autobk(const std::vector<double>& energy_eV, const std::vector<double>& mu, double e0_eV,
                    double edge_step, const AutobkOptions& options = {});
/// Same, reusing a planned FFT of length options.nfft.
AutobkResult autobk(const std::vector<double>& energy_eV, const std::vector<double>& mu, double e0_eV,
                    double edge_step, const AutobkOptions& options, const Fft& fft);

}  // namespace xasforge::xafs
