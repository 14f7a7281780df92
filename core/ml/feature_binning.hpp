#pragma once
/// Histogram split search: each feature is cut into at most 255 quantile bins once, before any
/// tree is grown; a node then finds its best split by scanning bin histograms instead of sorting.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/ml/dataset.hpp"

namespace xasforge::ml {

/// Bin codes, stored twice: column-major (column(f)[row], for large nodes that walk a column
/// forwards) and row-major (row(r)[f], for small nodes whose few rows then stay in cache while
/// several features are tried). Both hold the same codes; row_codes may be empty.
struct BinnedMatrix {
  std::size_t n_rows = 0;
  std::size_t n_features = 0;
  std::vector<std::uint8_t> codes;
  std::vector<std::uint8_t> row_codes;
  const std::uint8_t* column(std::size_t f) const { return codes.data() + f * n_rows; }
  const std::uint8_t* row(std::size_t r) const { return row_codes.data() + r * n_features; }
  bool has_rows() const { return !row_codes.empty(); }
  void fill_row_codes();  // row_codes from codes
};

class FeatureBinner {
 public:
  /// Cut points per feature from the listed rows: midpoints between consecutive distinct values
  /// when a feature has at most max_bins of them (exact, as an unbinned search), else midpoints
  /// nearest to equal-count quantiles. max_bins in [2, 256].
  static FeatureBinner fit(const FeatureMatrix& x, const std::vector<std::size_t>& rows, int max_bins = 255);

  /// Bin of value v for feature f: the first b with v <= cuts(f)[b], or cuts(f).size().
  /// Hence "bin <= b" is the same test as "v <= cuts(f)[b]", which is what trees store.
  std::uint8_t bin(std::size_t f, double v) const;
  /// fit() and transform() of the same rows in one pass (the codes come from the sorted order,
  /// no search per value): the same cuts and codes as the two calls.
  static FeatureBinner fit_transform(const FeatureMatrix& x, const std::vector<std::size_t>& rows, int max_bins,
                                     BinnedMatrix& codes);
  BinnedMatrix transform(const FeatureMatrix& x, const std::vector<std::size_t>& rows) const;

  const std::vector<double>& cuts(std::size_t f) const { return cuts_[f]; }
  std::size_t n_features() const { return cuts_.size(); }

 private:
  static FeatureBinner fit_impl(const FeatureMatrix& x, const std::vector<std::size_t>& rows, int max_bins,
                                BinnedMatrix* codes);
  std::vector<std::vector<double>> cuts_;
};

}  // namespace xasforge::ml
