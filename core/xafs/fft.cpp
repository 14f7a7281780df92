#include "core/xafs/fft.hpp"

#include <fftw3.h>

#include <mutex>
#include <string>

#include "core/error.hpp"

namespace xasforge::xafs {

namespace {
// FFTW's planner keeps global state and is not thread-safe; execution is (new-array execute).
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}
}  // namespace

struct Fft::Plans {
  fftw_plan forward = nullptr;
  fftw_plan inverse = nullptr;
  fftw_complex* buffer = nullptr;
  ~Plans() {
    std::lock_guard<std::mutex> lock(planner_mutex());
    if (forward != nullptr) fftw_destroy_plan(forward);
    if (inverse != nullptr) fftw_destroy_plan(inverse);
    if (buffer != nullptr) fftw_free(buffer);
  }
};

Fft::Fft(std::size_t n) : n_(n), plans_(std::make_unique<Plans>()) {
  if (n == 0) throw InputError("Fft: length must be positive");
  std::lock_guard<std::mutex> lock(planner_mutex());
  plans_->buffer = fftw_alloc_complex(n);
  const int len = static_cast<int>(n);
  if (plans_->buffer != nullptr) {
    plans_->forward = fftw_plan_dft_1d(len, plans_->buffer, plans_->buffer, FFTW_FORWARD, FFTW_ESTIMATE | FFTW_UNALIGNED);
    plans_->inverse = fftw_plan_dft_1d(len, plans_->buffer, plans_->buffer, FFTW_BACKWARD, FFTW_ESTIMATE | FFTW_UNALIGNED);
  }
  if (plans_->forward == nullptr || plans_->inverse == nullptr)
    throw PhysicsError("fftw_plan_dft_1d failed for length " + std::to_string(n));
}

Fft::~Fft() = default;
Fft::Fft(Fft&&) noexcept = default;
Fft& Fft::operator=(Fft&&) noexcept = default;

void Fft::forward(std::vector<std::complex<double>>& data) const {
  if (data.size() != n_) throw InputError("Fft::forward: data length " + std::to_string(data.size()) +
                                          " differs from the planned length " + std::to_string(n_));
  // std::complex<double> is layout-compatible with fftw_complex; new-array execute allows any
  // in-place array because the plans are made with FFTW_UNALIGNED.
  auto* p = reinterpret_cast<fftw_complex*>(data.data());
  fftw_execute_dft(plans_->forward, p, p);
}

void Fft::inverse(std::vector<std::complex<double>>& data) const {
  if (data.size() != n_) throw InputError("Fft::inverse: data length " + std::to_string(data.size()) +
                                          " differs from the planned length " + std::to_string(n_));
  auto* p = reinterpret_cast<fftw_complex*>(data.data());
  fftw_execute_dft(plans_->inverse, p, p);
  const double scale = 1.0 / static_cast<double>(n_);
  for (auto& v : data) v *= scale;
}

}  // namespace xasforge::xafs
