#include "core/numerics/numerics.hpp"
#include "core/xafs/fourier_transform.hpp"

#include <stdexcept>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "core/error.hpp"
#include "core/xafs/fft.hpp"

namespace xasforge::xafs {

std::vector<double> linear_interpolate(const std::vector<double>& xnew, const std::vector<double>& x,
                                       const std::vector<double>& y) {
  return numerics::interp_linear(x, y, xnew);
}

namespace {

double pow_weight(double x, double w) {
  if (w == 0.0) return 1.0;
  return std::pow(x, w);
}

}  // namespace

std::vector<double> ChiR::magnitude() const {
  std::vector<double> m(chir.size());
  for (std::size_t i = 0; i < chir.size(); ++i)
    m[i] = std::sqrt(chir[i].real() * chir[i].real() + chir[i].imag() * chir[i].imag());
  return m;
}
std::vector<double> ChiR::real() const {
  std::vector<double> m(chir.size());
  for (std::size_t i = 0; i < chir.size(); ++i) m[i] = chir[i].real();
  return m;
}
std::vector<double> ChiR::imag() const {
  std::vector<double> m(chir.size());
  for (std::size_t i = 0; i < chir.size(); ++i) m[i] = chir[i].imag();
  return m;
}

std::vector<std::complex<double>> xftf_fast(const std::vector<double>& weighted_chi, std::size_t nfft,
                                            double kstep_invA) {
  return xftf_fast(weighted_chi, Fft(nfft), kstep_invA);
}

std::vector<std::complex<double>> xftf_fast(const std::vector<double>& weighted_chi, const Fft& fft,
                                            double kstep_invA) {
  const std::size_t nfft = fft.size();
  std::vector<std::complex<double>> buffer(nfft, {0.0, 0.0});
  for (std::size_t i = 0; i < std::min(nfft, weighted_chi.size()); ++i) buffer[i] = weighted_chi[i];
  fft.forward(buffer);
  const double scale = kstep_invA / std::sqrt(std::numbers::pi);
  buffer.resize(nfft / 2);
  for (auto& v : buffer) v *= scale;
  return buffer;
}

ChiR xftf(const std::vector<double>& k_invA, const std::vector<double>& chi, const XftfOptions& o) {
  if (o.nfft < 4) throw InputError("xftf: nfft must be >= 4");
  return xftf(k_invA, chi, o, Fft(o.nfft));
}

ChiR xftf(const std::vector<double>& k_invA, const std::vector<double>& chi, const XftfOptions& o,
          const Fft& fft) {
  if (fft.size() != o.nfft)
    throw std::logic_error("xftf: the FFT is planned for " + std::to_string(fft.size()) + " points but nfft = " +
                     std::to_string(o.nfft));
  if (k_invA.size() != chi.size())
    throw InputError("xftf: k has " + std::to_string(k_invA.size()) + " points but chi has " +
                     std::to_string(chi.size()));
  if (k_invA.size() < 2) throw InputError("xftf: chi(k) needs at least 2 points");
  if (o.kstep_invA <= 0 || o.nfft < 4) throw InputError("xftf: kstep must be > 0 and nfft >= 4");
  const double dk2 = o.dk2_invA < 0 ? o.dk_invA : o.dk2_invA;
  const double kmax_data = *std::max_element(k_invA.begin(), k_invA.end());
  const auto npts = static_cast<std::size_t>(1.01 + kmax_data / o.kstep_invA);
  const double k_max = std::max(kmax_data, o.kmax_invA + dk2);
  const auto nk = static_cast<std::size_t>(1.01 + k_max / o.kstep_invA);
  std::vector<double> kgrid(nk);
  for (std::size_t i = 0; i < nk; ++i) kgrid[i] = o.kstep_invA * static_cast<double>(i);
  const std::vector<double> chi_grid = linear_interpolate(kgrid, k_invA, chi);
  std::vector<double> win = ft_window(kgrid, o.kmin_invA, o.kmax_invA, o.dk_invA, dk2, o.window);

  const std::size_t ndata = std::min(npts, nk);
  std::vector<double> weighted(ndata);
  for (std::size_t i = 0; i < ndata; ++i)
    weighted[i] = (chi_grid[i] * pow_weight(kgrid[i], o.kweight)) * win[i];
  std::vector<std::complex<double>> out = xftf_fast(weighted, fft, o.kstep_invA);

  const double rstep = std::numbers::pi / (o.kstep_invA * static_cast<double>(o.nfft));
  const auto irmax = static_cast<std::size_t>(
      std::min(static_cast<double>(o.nfft / 2), 1.01 + o.rmax_out_A / rstep));
  ChiR result;
  result.r_A.resize(irmax);
  for (std::size_t i = 0; i < irmax; ++i) result.r_A[i] = rstep * static_cast<double>(i);
  result.chir.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(irmax));
  win.resize(ndata);
  result.kwin = std::move(win);
  return result;
}

ChiQ xftr(const std::vector<double>& r_A, const std::vector<std::complex<double>>& chir,
          const XftrOptions& o, bool is_complex) {
  if (r_A.size() != chir.size() || r_A.size() < 2)
    throw InputError("xftr: r and chi(R) must have the same length >= 2 (got " +
                     std::to_string(r_A.size()) + " and " + std::to_string(chir.size()) + ")");
  const std::size_t nfft = o.nfft;
  const double rstep = r_A[1] - r_A[0];
  const double kstep = std::numbers::pi / (rstep * static_cast<double>(nfft));
  const double scale = is_complex ? 0.5 : 1.0;
  std::vector<double> rgrid(nfft);
  for (std::size_t i = 0; i < nfft; ++i) rgrid[i] = rstep * static_cast<double>(i);
  const double dr2 = o.dr2_A < 0 ? o.dr_A : o.dr2_A;
  std::vector<double> win = ft_window(rgrid, o.rmin_A, o.rmax_A, o.dr_A, dr2, o.window);

  std::vector<std::complex<double>> buffer(nfft, {0.0, 0.0});
  for (std::size_t i = 0; i < std::min(nfft, chir.size()); ++i)
    buffer[i] = chir[i] * win[i] * pow_weight(rgrid[i], o.rweight);
  Fft fft(nfft);
  fft.inverse(buffer);
  const double factor = scale * (4.0 * std::sqrt(std::numbers::pi) / kstep);

  ChiQ result;
  const auto nq = static_cast<std::size_t>(1.05 + o.qmax_out_invA / kstep);
  result.q_invA.resize(nq);
  // numpy.linspace: i·step, the last point set to the end value exactly.
  const double qstep = nq > 1 ? o.qmax_out_invA / static_cast<double>(nq - 1) : 0.0;
  for (std::size_t i = 0; i < nq; ++i) result.q_invA[i] = static_cast<double>(i) * qstep;
  if (nq > 1) result.q_invA[nq - 1] = o.qmax_out_invA;
  const std::size_t nout = std::min(nq, nfft / 2);
  result.chiq.resize(nout);
  for (std::size_t i = 0; i < nout; ++i) result.chiq[i] = factor * buffer[i];
  win.resize(std::min(chir.size(), nfft));
  result.rwin = std::move(win);
  return result;
}

}  // namespace xasforge::xafs
