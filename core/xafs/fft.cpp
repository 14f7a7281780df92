#include "core/xafs/fft.hpp"

#include <stdexcept>
#include <fftw3.h>

#include <cstring>
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

// Out-of-place plans between two aligned buffers: FFTW_ESTIMATE's in-place plans for 2^n
// spend about a fifth of their time in internal copies; copying in and out is cheaper.
struct Fft::Plans {
  fftw_plan forward = nullptr;
  fftw_plan inverse = nullptr;
  fftw_complex* input = nullptr;
  fftw_complex* output = nullptr;
  ~Plans() {
    std::lock_guard<std::mutex> lock(planner_mutex());
    if (forward != nullptr) fftw_destroy_plan(forward);
    if (inverse != nullptr) fftw_destroy_plan(inverse);
    if (input != nullptr) fftw_free(input);
    if (output != nullptr) fftw_free(output);
  }
};

Fft::Fft(std::size_t n) : n_(n), plans_(std::make_unique<Plans>()) {
  if (n == 0) throw InputError("Fft: length must be positive");
  std::lock_guard<std::mutex> lock(planner_mutex());
  plans_->input = fftw_alloc_complex(n);
  plans_->output = fftw_alloc_complex(n);
  const int len = static_cast<int>(n);
  if (plans_->input != nullptr && plans_->output != nullptr) {
    plans_->forward = fftw_plan_dft_1d(len, plans_->input, plans_->output, FFTW_FORWARD, FFTW_ESTIMATE);
    plans_->inverse = fftw_plan_dft_1d(len, plans_->input, plans_->output, FFTW_BACKWARD, FFTW_ESTIMATE);
  }
  if (plans_->forward == nullptr || plans_->inverse == nullptr)
    throw PhysicsError("fftw_plan_dft_1d failed for length " + std::to_string(n));
}

Fft::~Fft() = default;

void Fft::execute(void* plan, std::vector<std::complex<double>>& data) const {
  // std::complex<double> is layout-compatible with fftw_complex (C++ [complex.numbers]).
  std::memcpy(plans_->input, data.data(), n_ * sizeof(fftw_complex));
  fftw_execute_dft(static_cast<fftw_plan>(plan), plans_->input, plans_->output);
  std::memcpy(static_cast<void*>(data.data()), plans_->output, n_ * sizeof(fftw_complex));
}
Fft::Fft(Fft&&) noexcept = default;
Fft& Fft::operator=(Fft&&) noexcept = default;

void Fft::forward(std::vector<std::complex<double>>& data) const {
  if (data.size() != n_) throw std::logic_error("Fft::forward: data length " + std::to_string(data.size()) +
                                          " differs from the planned length " + std::to_string(n_));
  execute(plans_->forward, data);
}

void Fft::inverse(std::vector<std::complex<double>>& data) const {
  if (data.size() != n_) throw std::logic_error("Fft::inverse: data length " + std::to_string(data.size()) +
                                          " differs from the planned length " + std::to_string(n_));
  execute(plans_->inverse, data);
  const double scale = 1.0 / static_cast<double>(n_);
  for (auto& v : data) v *= scale;
}

}  // namespace xasforge::xafs
