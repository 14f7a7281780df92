#pragma once
/// Feature vectors for learning from reduced spectra: |chi(R)| on Larch's R grid (the 326
/// points 0 … 9.97 Å that the published coordination-number study used), k-weighted chi(k) on a
/// fixed k grid, and Cauchy-wavelet projections; each with an optional normalisation.
#include <string_view>
#include <vector>

#include "core/xafs/cauchy_wavelet.hpp"
#include "core/xafs/fourier_transform.hpp"

namespace xasforge::xafs {

enum class FeatureNormalization {
  kNone,
  kMinMax,  ///< (x − min)/(max − min)
  kMean,     ///< (x − mean)/(max − min)
};

/// "none", "min-max" (or "minmax", "min_max"), "mean"; throws InputError listing the names.
FeatureNormalization parse_feature_normalization(std::string_view name);

/// Applies the normalisation; a constant vector maps to zeros (no division by zero).
std::vector<double> normalize_features(const std::vector<double>& x, FeatureNormalization how);

/// |chi(R)| from xftf with rmax_out = 10 Å, nfft 2048, kstep 0.05: 326 values at R_j = j·π/102.4.
/// Throws InputError if chir holds fewer than 326 points.
std::vector<double> chir_magnitude_features(const ChiR& chir, FeatureNormalization how = FeatureNormalization::kNone);

/// |chi(R)| linearly interpolated onto any R grid (exact on chir's own grid points), e.g. the
/// grid a trained model recorded. Throws InputError for a grid point outside [0, chir's last R].
std::vector<double> chir_magnitude_on_grid(const ChiR& chir, const std::vector<double>& r_grid_A,
                                           FeatureNormalization how = FeatureNormalization::kNone);

/// k^kweight·chi(k) linearly interpolated onto kmin, kmin + step, … ≤ kmax (+1e-9); zero outside
/// the data. Throws InputError for an empty grid or mismatched input.
std::vector<double> chi_k_features(const std::vector<double>& k_invA, const std::vector<double>& chi, double kmin_invA,
                                   double kmax_invA, double step_invA, double kweight,
                                   FeatureNormalization how = FeatureNormalization::kNone);

/// Wavelet features: for every r the maximum of |W| over k (the r projection) followed by, for
/// every k, the maximum of |W| over r (the k projection); n_r + n_k values.
std::vector<double> wavelet_features(const CauchyWavelet& wavelet, FeatureNormalization how = FeatureNormalization::kNone);

}  // namespace xasforge::xafs
