#include "core/ml/feature_binning.hpp"

#include <algorithm>
#include <array>
#include <bit>

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


/// Order-preserving map of a double (not NaN) onto an unsigned key: flip all bits of negatives,
/// the sign bit of the rest.
std::uint64_t order_key(double v) {
  const auto b = std::bit_cast<std::uint64_t>(v);
  return (b >> 63) != 0 ? ~b : b | (std::uint64_t{1} << 63);
}

/// Positions 0..n-1 of v in ascending value order: stable LSD radix sort of the keys with 11-bit
/// digits, skipping digits that all keys share (the exponent bits of a narrow feature, often).
void radix_order(const double* v, std::size_t n, std::vector<std::uint64_t>& key, std::vector<std::uint32_t>& order,
                 std::vector<std::uint64_t>& key2, std::vector<std::uint32_t>& order2) {
  key.resize(n);
  order.resize(n);
  key2.resize(n);
  order2.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    key[i] = order_key(v[i]);
    order[i] = static_cast<std::uint32_t>(i);
  }
  constexpr unsigned kBits = 11;
  constexpr std::uint64_t kMask = (1u << kBits) - 1;
  std::array<std::uint32_t, 1u << kBits> count{};
  for (unsigned shift = 0; shift < 64; shift += kBits) {
    count.fill(0);
    for (std::size_t i = 0; i < n; ++i) ++count[(key[i] >> shift) & kMask];
    if (count[(key[0] >> shift) & kMask] == n) continue;  // one digit value: this pass changes nothing
    std::uint32_t start = 0;
    for (auto& c : count) {
      const std::uint32_t here = c;
      c = start;
      start += here;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t at = count[(key[i] >> shift) & kMask]++;
      key2[at] = key[i];
      order2[at] = order[i];
    }
    key.swap(key2);
    order.swap(order2);
  }
}

}  // namespace

FeatureBinner FeatureBinner::fit(const FeatureMatrix& x, const std::vector<std::size_t>& rows, int max_bins) {
  return fit_impl(x, rows, max_bins, nullptr);
}

FeatureBinner FeatureBinner::fit_transform(const FeatureMatrix& x, const std::vector<std::size_t>& rows, int max_bins,
                                           BinnedMatrix& codes) {
  return fit_impl(x, rows, max_bins, &codes);
}

FeatureBinner FeatureBinner::fit_impl(const FeatureMatrix& x, const std::vector<std::size_t>& rows, int max_bins,
                                      BinnedMatrix* codes) {
  if (max_bins < 2 || max_bins > 256) throw InputError("max_bins must be in [2, 256], got " + std::to_string(max_bins));
  if (rows.empty()) throw InputError("feature binning: no rows to fit on");
  if (rows.size() > 0xffffffffu) throw InputError("feature binning: more than 2^32 rows");
  FeatureBinner b;
  const auto p = static_cast<std::size_t>(x.cols());
  const std::size_t n = rows.size();
  b.cuts_.resize(p);
  if (codes != nullptr) {
    codes->n_rows = n;
    codes->n_features = p;
    codes->codes.assign(n * p, 0);
  }
  const std::vector<double> xt = columns_of(x, rows);
  std::vector<std::uint64_t> key, key2;
  std::vector<std::uint32_t> order, order2;
  std::vector<double> distinct;
  std::vector<std::size_t> counts;
  for (std::size_t f = 0; f < p; ++f) {
    const double* v = xt.data() + f * n;
    radix_order(v, n, key, order, key2, order2);
    distinct.clear();
    counts.clear();
    for (std::size_t j = 0; j < n; ++j) {
      const double value = v[order[j]];
      if (distinct.empty() || value != distinct.back()) {
        distinct.push_back(value);
        counts.push_back(1);
      } else {
        ++counts.back();
      }
    }
    auto& cuts = b.cuts_[f];
    if (distinct.size() <= static_cast<std::size_t>(max_bins)) {
      for (std::size_t i = 0; i + 1 < distinct.size(); ++i) cuts.push_back(midpoint(distinct[i], distinct[i + 1]));
    } else {
      // Equal-count quantiles: close a bin once its cumulative count reaches the next target.
      const double total = static_cast<double>(n);
      std::size_t cumulative = 0;
      int next_bin = 1;
      for (std::size_t i = 0; i + 1 < distinct.size() && next_bin < max_bins; ++i) {
        cumulative += counts[i];
        if (static_cast<double>(cumulative) >= total * next_bin / max_bins) {
          cuts.push_back(midpoint(distinct[i], distinct[i + 1]));
          while (next_bin < max_bins && static_cast<double>(cumulative) >= total * next_bin / max_bins) ++next_bin;
        }
      }
    }
    if (codes == nullptr) continue;
    // Codes of the fitted rows in value order: the bin (first cut >= value) only moves up.
    std::uint8_t* col = codes->codes.data() + f * n;
    std::size_t bin = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const double value = v[order[j]];
      while (bin < cuts.size() && cuts[bin] < value) ++bin;
      col[order[j]] = static_cast<std::uint8_t>(bin);
    }
  }
  if (codes != nullptr) codes->fill_row_codes();
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
  m.fill_row_codes();
  return m;
}

void BinnedMatrix::fill_row_codes() {
  row_codes.resize(codes.size());
  for (std::size_t f = 0; f < n_features; ++f) {
    const std::uint8_t* col = column(f);
    for (std::size_t r = 0; r < n_rows; ++r) row_codes[r * n_features + f] = col[r];
  }
}

}  // namespace xasforge::ml
