#include "core/xafs/cauchy_wavelet.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "core/error.hpp"
#include "core/xafs/fft.hpp"

namespace xasforge::xafs {

namespace {
// numpy's pairwise summation (the inner loop of np.sum on a contiguous array), so the wavelet's
// normalisation constant carries the same round-off as Larch's.
double pairwise_sum(const double* a, std::size_t n) {
  if (n < 8) {
    double res = 0.0;
    for (std::size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (std::size_t j = 0; j < 8; ++j) r[j] = a[j];
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (std::size_t j = 0; j < 8; ++j) r[j] += a[i + j];
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

double numpy_sum(const std::vector<double>& a) {
  if (a.empty()) return 0.0;
  return a[0] + pairwise_sum(a.data() + 1, a.size() - 1);
}
}  // namespace

CauchyWavelet cauchy_wavelet(const std::vector<double>& k, const std::vector<double>& chi_in, double kweight,
                             double rmax_out, std::size_t nfft) {
  if (k.size() != chi_in.size() || k.size() < 2)
    throw InputError("cauchy_wavelet: k and chi must have the same length >= 2 (got " + std::to_string(k.size()) +
                     " and " + std::to_string(chi_in.size()) + ")");
  const double kstep = std::nearbyint(1000.0 * (k[1] - k[0])) / 1000.0;
  if (!(kstep > 0)) throw InputError("cauchy_wavelet: the k step rounds to " + std::to_string(kstep));
  const double rstep = (std::numbers::pi / 2048) / kstep;
  const double rmin = 1.0e-7;
  const auto nrpts = static_cast<std::size_t>(std::nearbyint((rmax_out - rmin) / rstep));
  if (nrpts < 2) throw InputError("cauchy_wavelet: rmax_out = " + std::to_string(rmax_out) + " gives fewer than 2 r points");
  // Larch returns ifft(...)[:len(k)], which cannot be longer than the 2·nfft transform.
  const std::size_t nkout = std::min(k.size(), 2 * nfft);
  std::vector<double> chi = chi_in;
  if (kweight != 0.0)
    for (std::size_t i = 0; i < chi.size(); ++i) chi[i] = chi[i] * std::pow(k[i], kweight);

  const std::size_t nft = nfft / 2;
  std::vector<std::complex<double>> tff(2 * nfft, {0.0, 0.0});
  for (std::size_t i = 0; i < std::min(nft, chi.size()); ++i) tff[i] = chi[i];
  const Fft fft(2 * nfft);
  fft.forward(tff);

  std::vector<double> omega(nfft);
  for (std::size_t j = 0; j < nfft; ++j)
    omega[j] = 2 * std::numbers::pi * ((1.0 / kstep) * static_cast<double>(j) / static_cast<double>(2 * nfft));

  CauchyWavelet out;
  out.k_invA.assign(k.begin(), k.begin() + static_cast<std::ptrdiff_t>(nkout));
  out.r_A.resize(nrpts);
  const double step = rmax_out / static_cast<double>(nrpts - 1);
  for (std::size_t i = 0; i < nrpts; ++i) out.r_A[i] = static_cast<double>(i) * step;
  out.r_A[nrpts - 1] = rmax_out;
  out.r_A[0] = 1.0e-19;

  std::vector<double> logs(nrpts);
  for (std::size_t i = 0; i < nrpts; ++i) logs[i] = std::log(1.0 + static_cast<double>(i));
  const double cauchy_sum = std::log(2 * std::numbers::pi) - numpy_sum(logs);
  const auto order = static_cast<double>(nrpts);

  out.w.assign(nrpts * nkout, {0.0, 0.0});
  std::vector<std::complex<double>> buffer(2 * nfft);
  for (std::size_t i = 0; i < nrpts; ++i) {
    const double a = order / (2 * out.r_A[i]);
    std::fill(buffer.begin(), buffer.end(), std::complex<double>(0.0, 0.0));
    for (std::size_t j = 0; j < nfft; ++j) {
      double aom = a * omega[j];
      if (aom == 0.0) aom = 1.0e-19;
      const double filt = cauchy_sum + order * std::log(aom) - aom;
      buffer[j] = std::exp(filt) * tff[j];
    }
    fft.inverse(buffer);
    for (std::size_t m = 0; m < nkout; ++m) out.w[i * nkout + m] = buffer[m];
  }
  return out;
}

}  // namespace xasforge::xafs
