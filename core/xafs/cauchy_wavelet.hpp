#pragma once
/// Continuous Cauchy wavelet transform of chi(k) (Muñoz, Argoul & Farges, Am. Mineral. 88, 694
/// (2003)) exactly as Larch 0.9.58's cauchy_wavelet (docs/physics.md (E6.9)).
#include <complex>
#include <cstddef>
#include <vector>

namespace xasforge::xafs {

struct CauchyWavelet {
  std::vector<double> r_A;   ///< linspace(0, rmax_out, n_r) with r[0] = 1e-19 as Larch returns it
  std::vector<double> k_invA;
  std::vector<std::complex<double>> w;  ///< row-major: w[i·k_invA.size() + m] = W(r_i, k_m)
  std::complex<double> at(std::size_t ir, std::size_t ik) const { return w[ir * k_invA.size() + ik]; }
};

/// k must be uniform from 0 (step rounded to 1e-3 as Larch does), at least 2 points.
/// Throws InputError otherwise. The wavelet order equals the number of r points.
CauchyWavelet cauchy_wavelet(const std::vector<double>& k_invA, const std::vector<double>& chi, double kweight = 0.0,
                             double rmax_out_A = 10.0, std::size_t nfft = 2048);

}  // namespace xasforge::xafs
