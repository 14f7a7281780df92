#pragma once
/// XAFS Fourier transforms as Larch 0.9.58's xftf / xftr (docs/physics.md (E6.7)).
#include <complex>
#include <cstddef>
#include <vector>

#include "core/xafs/fft.hpp"
#include "core/xafs/ft_window.hpp"

namespace xasforge::xafs {

/// numpy.interp: linear interpolation of (x, y) at xnew; constant beyond the ends. x increasing.
std::vector<double> linear_interpolate(const std::vector<double>& xnew, const std::vector<double>& x,
                                       const std::vector<double>& y);

/// Larch's xftf arguments (defaults are Larch's).
struct XftfOptions {
  double kmin_invA = 0.0;
  double kmax_invA = 20.0;
  double kweight = 0.0;
  double dk_invA = 1.0;
  double dk2_invA = -1.0;  ///< negative: same as dk_invA
  WindowKind window = WindowKind::kKaiser;
  double rmax_out_A = 10.0;
  std::size_t nfft = 2048;
  double kstep_invA = 0.05;
};

/// chi(R) on R_j = j·π/(kstep·nfft), j < min(nfft/2, int(1.01 + rmax_out/δR)).
struct ChiR {
  std::vector<double> r_A;
  std::vector<std::complex<double>> chir;
  std::vector<double> kwin;  ///< the window on k_n = n·kstep, length of the data part
  std::vector<double> magnitude() const;
  std::vector<double> real() const;
  std::vector<double> imag() const;
};

/// Forward transform of chi(k) given on any increasing k grid (linearly interpolated onto
/// n·kstep like numpy.interp). Throws InputError for mismatched or too-short arrays.
ChiR xftf(const std::vector<double>& k_invA, const std::vector<double>& chi, const XftfOptions& options);
/// Same, reusing a planned FFT of length options.nfft (planning dominates a single transform).
ChiR xftf(const std::vector<double>& k_invA, const std::vector<double>& chi, const XftfOptions& options,
          const Fft& fft);

/// Larch's xftf_fast: (kstep/√π)·FFT_nfft(zero-padded weighted chi)[0 : nfft/2].
std::vector<std::complex<double>> xftf_fast(const std::vector<double>& weighted_chi, std::size_t nfft,
                                            double kstep_invA);
/// Same with a planned FFT; nfft = fft.size().
std::vector<std::complex<double>> xftf_fast(const std::vector<double>& weighted_chi, const Fft& fft,
                                            double kstep_invA);

/// Larch's xftr arguments (defaults are Larch's).
struct XftrOptions {
  double rmin_A = 0.0;
  double rmax_A = 20.0;
  double dr_A = 1.0;
  double dr2_A = -1.0;  ///< negative: same as dr_A
  double rweight = 0.0;
  WindowKind window = WindowKind::kKaiser;
  double qmax_out_invA = 30.0;
  std::size_t nfft = 2048;
};

/// chi(q) on q = linspace(0, qmax_out, int(1.05 + qmax_out/kstep')).
struct ChiQ {
  std::vector<double> q_invA;
  std::vector<std::complex<double>> chiq;
  std::vector<double> rwin;  ///< the window on the input R points
};

/// Reverse transform of a complex chi(R) on a uniform grid from R = 0 (as xftf returns it);
/// Larch halves the result for complex input (is_complex = true), not for a real one.
ChiQ xftr(const std::vector<double>& r_A, const std::vector<std::complex<double>>& chir,
          const XftrOptions& options, bool is_complex = true);

}  // namespace xasforge::xafs
