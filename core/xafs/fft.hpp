#pragma once
/// A one-dimensional complex FFT of fixed length backed by FFTW3 (RAII, move-only).
/// Conventions follow numpy/scipy: forward X_j = Σ x_n e^{−2πi jn/N}; inverse includes 1/N.
#include <complex>
#include <cstddef>
#include <memory>
#include <vector>

namespace xasforge::xafs {

class Fft {
 public:
  /// Plans forward and inverse transforms of length n (FFTW_ESTIMATE; planning is serialised
  /// because FFTW's planner is not thread-safe). Throws PhysicsError if FFTW cannot plan.
  explicit Fft(std::size_t n);
  ~Fft();
  Fft(Fft&&) noexcept;
  Fft& operator=(Fft&&) noexcept;
  Fft(const Fft&) = delete;
  Fft& operator=(const Fft&) = delete;

  std::size_t size() const { return n_; }
  /// The plan's buffers are shared: one Fft object must not be used by two threads at once.
  /// In-place forward transform of data (data.size() must equal size()).
  void forward(std::vector<std::complex<double>>& data) const;
  /// In-place inverse transform, scaled by 1/N like numpy.fft.ifft.
  void inverse(std::vector<std::complex<double>>& data) const;

 private:
  struct Plans;
  void execute(void* plan, std::vector<std::complex<double>>& data) const;
  std::size_t n_ = 0;
  std::unique_ptr<Plans> plans_;
};

}  // namespace xasforge::xafs
