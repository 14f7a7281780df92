#include "core/ml/feature_binning.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace xasforge::ml {
namespace {

/// Midpoint of two consecutive distinct values that stays strictly below the upper one.
double midpoint(double a, double b) {
  double m = a + (b - a) / 2.0;
  if (!(m < b)) m = a;  // a and b adjacent doubles: "<= a" still separates them
  return m;
}

/// The listed rows of a row-major matrix as columns (column f at f * rows.size()): one pass over
/// each row, so the per-feature work below reads contiguous memory instead of striding by a row.
std::vector<double> columns_of(const FeatureMatrix& x, const std::vector<std::size_t>& rows) {
  const auto p = static_cast<std::size_t>(x.cols());
  const std::size_t n = rows.size();
  std::vector<double> out(p * n);
  constexpr std::size_t kBlock = 8;  // rows per block: one cache line of each output column
  for (std::size_t i0 = 0; i0 < n; i0 += kBlock) {
    const std::size_t i1 = std::min(n, i0 + kBlock);
    for (std::size_t i = i0; i < i1; ++i) {
      const double* row = x.data() + static_cast<std::size_t>(rows[i]) * p;
      for (std::size_t f = 0; f < p; ++f) out[f * n + i] = row[f];
    }
  }
  return out;
}

}  // namespace

FeatureBinner FeatureBinner::fit(const FeatureMatrix& x, const std::vector<std::size_t>& rows, int max_bins) {
  if (max_bins < 2 || max_bins > 256) throw InputError("max_bins must be in [2, 256], got " + std::to_string(max_bins));
  if (rows.empty()) throw InputError("feature binning: no rows to fit on");
  FeatureBinner b;
  const auto p = static_cast<std::size_t>(x.cols());
  b.cuts_.resize(p);
  const std::vector<double> xt = columns_of(x, rows);
  std::vector<double> values(rows.size());
  std::vector<double> distinct;
  std::vector<std::size_t> counts;
  for (std::size_t f = 0; f < p; ++f) {
    std::copy(xt.begin() + static_cast<std::ptrdiff_t>(f * rows.size()),
              xt.begin() + static_cast<std::ptrdiff_t>((f + 1) * rows.size()), values.begin());
    std::sort(values.begin(), values.end());
    distinct.clear();
    counts.clear();
    for (double v : values) {
      if (distinct.empty() || v != distinct.back()) {
        distinct.push_back(v);
        counts.push_back(1);
      } else {
        ++counts.back();
      }
    }
    auto& cuts = b.cuts_[f];
    if (distinct.size() <= static_cast<std::size_t>(max_bins)) {
      for (std::size_t i = 0; i + 1 < distinct.size(); ++i) cuts.push_back(midpoint(distinct[i], distinct[i + 1]));
      continue;
    }
    // Equal-count quantiles: close a bin once its cumulative count reaches the next target.
    const double n = static_cast<double>(values.size());
    std::size_t cumulative = 0;
    int next_bin = 1;
    for (std::size_t i = 0; i + 1 < distinct.size() && next_bin < max_bins; ++i) {
      cumulative += counts[i];
      if (static_cast<double>(cumulative) >= n * next_bin / max_bins) {
        cuts.push_back(midpoint(distinct[i], distinct[i + 1]));
        while (next_bin < max_bins && static_cast<double>(cumulative) >= n * next_bin / max_bins) ++next_bin;
      }
    }
  }
  return b;
}

std::uint8_t FeatureBinner::bin(std::size_t f, double v) const {
  // Branch-free lower_bound (the number of cuts below v): the answer stays in
  // [base, base + len] while len halves; a NaN compares false and lands in bin 0, as with std::lower_bound.
  const auto& c = cuts_[f];
  std::size_t len = c.size();
  if (len == 0) return 0;
  const double* base = c.data();
  while (len > 1) {
    const std::size_t half = len / 2;
    base = base[half - 1] < v ? base + half : base;
    len -= half;
  }
  return static_cast<std::uint8_t>((base - c.data()) + (*base < v ? 1 : 0));
}

BinnedMatrix FeatureBinner::transform(const FeatureMatrix& x, const std::vector<std::size_t>& rows) const {
  if (static_cast<std::size_t>(x.cols()) != cuts_.size())
    throw InputError("feature binning: fitted on " + std::to_string(cuts_.size()) + " features, given " +
                     std::to_string(x.cols()));
  BinnedMatrix m;
  m.n_rows = rows.size();
  m.n_features = cuts_.size();
  m.codes.resize(m.n_rows * m.n_features);
  const std::vector<double> xt = columns_of(x, rows);
  for (std::size_t f = 0; f < m.n_features; ++f) {
    std::uint8_t* col = m.codes.data() + f * m.n_rows;
    const double* v = xt.data() + f * m.n_rows;
    for (std::size_t i = 0; i < m.n_rows; ++i) col[i] = bin(f, v[i]);
  }
  m.row_codes.resize(m.codes.size());
  for (std::size_t f = 0; f < m.n_features; ++f) {
    const std::uint8_t* col = m.column(f);
    for (std::size_t r = 0; r < m.n_rows; ++r) m.row_codes[r * m.n_features + f] = col[r];
  }
  return m;
}

}  // namespace xasforge::ml
