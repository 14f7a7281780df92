#pragma once
/// Named feature sets computed from chi(k): the learning inputs a model is trained on and that
/// `xasforge predict` recomputes, the same way, for results files (/spectra/chi), measured
/// spectra (after AUTOBK) and simulated chi(k) files. A set is a comma-separated list of blocks,
/// each `name` or `name:kweight`:
///
///   chir_mag  |chi(R)| on the R grid          chir_re / chir_im  Re / Im chi(R) on the R grid
///   chik      k^w chi(k) on kmin…kmax (k_step) wavelet  Cauchy-wavelet |W| projections: max over k
///                                                        on the R grid, then max over R on kmin…kmax
///                                                        (k_step)
///   peaks     positions (Å) and heights of the n_peaks highest local maxima of |chi(R)| with
///             R >= peak_rmin, sorted by R (a missing peak: position = r max, height 0)
///
/// Every block uses Larch's xftf (core/xafs/fourier_transform) of k^w chi(k) over the set's k
/// range, window and dk; the kweight defaults to the set's kweight. E.g.
/// "chir_mag:1,chir_mag:2,chir_mag:3,chir_re,chir_im,peaks".
#include <string>
#include <string_view>
#include <vector>

namespace xasforge::xafs {

struct FeatureBlock {
  std::string name;  ///< chir_mag, chir_re, chir_im, chik, wavelet, peaks
  int kweight = 2;
  friend bool operator==(const FeatureBlock&, const FeatureBlock&) = default;
};

struct FeatureSetSpec {
  std::vector<FeatureBlock> blocks;
  double kmin_invA = 3.0, kmax_invA = 12.0, dk_invA = 1.0;
  std::string window = "hanning";
  double rmin_A = 0.0, rmax_A = 6.0, r_step_A = 0.03;  ///< the R grid of the R-space blocks
  double k_step_invA = 0.1;                             ///< the k grid of chik and wavelet k projection
  int n_peaks = 4;
  double peak_rmin_A = 0.8;
  friend bool operator==(const FeatureSetSpec&, const FeatureSetSpec&) = default;

  /// The blocks as text ("chir_mag:2,peaks:2"), parseable by parse_feature_set.
  std::string blocks_text() const;
};

/// Parses "name[:kweight],…" with default_kweight for blocks without one. Throws InputError
/// naming the block for an unknown name, a kweight outside 0..3, a repeated block or an empty list.
FeatureSetSpec parse_feature_set(std::string_view text, int default_kweight = 2);
/// Checks ranges (k and R ranges increasing, steps > 0, n_peaks 1..20); throws InputError.
void check_feature_set(const FeatureSetSpec& spec);

/// Feature count and, per feature, a label ("chir_mag:2@1.230") and its abscissa (R in Å for
/// R-space values and peak positions/heights, k in Å⁻¹ for chik and the wavelet k projection).
std::size_t feature_set_size(const FeatureSetSpec& spec);
std::vector<std::string> feature_set_labels(const FeatureSetSpec& spec);
std::vector<double> feature_set_abscissae(const FeatureSetSpec& spec);

/// The features of one chi(k) (k increasing; trailing non-finite values are dropped, as the
/// campaign's xftf stage does). Throws InputError (prefixed with `where`) for fewer than 4
/// finite points or mismatched lengths.
std::vector<double> compute_feature_set(const FeatureSetSpec& spec, const std::vector<double>& k_invA,
                                        const std::vector<double>& chi, const std::string& where = "chi(k)");

}  // namespace xasforge::xafs
