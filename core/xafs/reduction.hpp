#pragma once
/// The usual Larch reduction chain, pre_edge → autobk → xftf, with the defaults of
/// `xasforge reduce` (rbkg 1 Å, k-weight 2, FT over k 3–12 Å⁻¹ with a hanning window, dk 1).
#include "core/xafs/autobk.hpp"
#include "core/xafs/fourier_transform.hpp"
#include "core/xafs/measured_spectrum.hpp"
#include "core/xafs/pre_edge.hpp"

namespace xasforge::xafs {

struct ReductionOptions {
  PreEdgeOptions pre_edge;
  AutobkOptions autobk = [] {
    AutobkOptions o;
    o.rbkg_A = 1.0;
    o.kweight = 2.0;
    return o;
  }();
  XftfOptions xftf = [] {
    XftfOptions o;
    o.kmin_invA = 3.0;
    o.kmax_invA = 12.0;
    o.dk_invA = 1.0;
    o.window = WindowKind::kHanning;
    o.kweight = 2.0;
    return o;
  }();
};

struct ReductionResult {
  PreEdgeResult pre_edge;
  AutobkResult autobk;
  ChiR chir;
};

/// Service running the chain with fixed options; it holds the planned FFTs so that many spectra
/// are reduced without re-planning. Use one SpectrumReducer per thread (the plans' work buffers
/// are shared by its calls).
class SpectrumReducer {
 public:
  explicit SpectrumReducer(ReductionOptions options);
  ReductionResult reduce(const std::vector<double>& energy_eV, const std::vector<double>& mu) const;
  /// Errors are rethrown as InputError prefixed with the spectrum's file name and data lines.
  ReductionResult reduce(const MeasuredSpectrum& spectrum) const;
  const ReductionOptions& options() const { return options_; }

 private:
  ReductionOptions options_;
  Fft autobk_fft_;
  Fft xftf_fft_;
};

/// Runs the chain on (energy, mu) (a SpectrumReducer for one spectrum). Throws what the steps throw.
ReductionResult reduce_spectrum(const std::vector<double>& energy_eV, const std::vector<double>& mu,
                                const ReductionOptions& options = {});

/// Same for a measured spectrum; errors are rethrown as InputError prefixed with the file name
/// and its data lines (file:first-last).
ReductionResult reduce_spectrum(const MeasuredSpectrum& spectrum, const ReductionOptions& options = {});

}  // namespace xasforge::xafs
