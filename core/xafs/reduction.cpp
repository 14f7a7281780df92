#include "core/xafs/reduction.hpp"

#include "core/error.hpp"

namespace xasforge::xafs {

ReductionResult reduce_spectrum(const std::vector<double>& energy, const std::vector<double>& mu,
                                const ReductionOptions& options) {
  ReductionResult r;
  r.pre_edge = pre_edge(energy, mu, options.pre_edge);
  r.autobk = autobk(energy, mu, r.pre_edge.e0_eV, r.pre_edge.edge_step, options.autobk);
  r.chir = xftf(r.autobk.k_invA, r.autobk.chi, options.xftf);
  return r;
}

ReductionResult reduce_spectrum(const MeasuredSpectrum& spectrum, const ReductionOptions& options) {
  try {
    return reduce_spectrum(spectrum.energy_eV, spectrum.mu, options);
  } catch (const Error& e) {
    throw InputError(spectrum.path + ": " + e.what());
  }
}

}  // namespace xasforge::xafs
