#include "core/xafs/reduction.hpp"

#include <string>

#include "core/error.hpp"

namespace xasforge::xafs {

SpectrumReducer::SpectrumReducer(ReductionOptions options)
    : options_(std::move(options)), autobk_fft_(options_.autobk.nfft), xftf_fft_(options_.xftf.nfft) {}

ReductionResult SpectrumReducer::reduce(const std::vector<double>& energy, const std::vector<double>& mu) const {
  ReductionResult r;
  r.pre_edge = pre_edge(energy, mu, options_.pre_edge);
  r.autobk = autobk(energy, mu, r.pre_edge.e0_eV, r.pre_edge.edge_step, options_.autobk, autobk_fft_);
  r.chir = xftf(r.autobk.k_invA, r.autobk.chi, options_.xftf, xftf_fft_);
  return r;
}

ReductionResult SpectrumReducer::reduce(const MeasuredSpectrum& spectrum) const {
  try {
    return reduce(spectrum.energy_eV, spectrum.mu);
  } catch (const Error& e) {
    std::string where = spectrum.path;
    if (!spectrum.line_numbers.empty())
      where += ":" + std::to_string(spectrum.line_numbers.front()) + "-" + std::to_string(spectrum.line_numbers.back());
    throw InputError(where + ": " + e.what());
  }
}

ReductionResult reduce_spectrum(const std::vector<double>& energy, const std::vector<double>& mu,
                                const ReductionOptions& options) {
  return SpectrumReducer(options).reduce(energy, mu);
}

ReductionResult reduce_spectrum(const MeasuredSpectrum& spectrum, const ReductionOptions& options) {
  return SpectrumReducer(options).reduce(spectrum);
}

}  // namespace xasforge::xafs
