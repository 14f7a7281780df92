#include "core/ml/normalization.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace xasforge::ml {

NormalizationKind parse_normalization(std::string_view name) {
  if (name == "none") return NormalizationKind::kNone;
  if (name == "minmax" || name == "min_max" || name == "min-max") return NormalizationKind::kMinMax;
  if (name == "mean" || name == "standard") return NormalizationKind::kMean;
  throw InputError("normalization: unknown kind '" + std::string(name) + "'; expected one of: none, minmax, mean");
}

std::string to_string(NormalizationKind kind) {
  switch (kind) {
    case NormalizationKind::kNone: return "none";
    case NormalizationKind::kMinMax: return "minmax";
    case NormalizationKind::kMean: return "mean";
  }
  return "none";
}

Normalization Normalization::fit(NormalizationKind kind, const FeatureMatrix& x, const std::vector<std::size_t>& rows) {
  Normalization n;
  n.kind = kind;
  const auto p = static_cast<std::size_t>(x.cols());
  n.offset.assign(p, 0.0);
  n.scale.assign(p, 1.0);
  if (kind == NormalizationKind::kNone) return n;
  if (rows.empty()) throw InputError("normalization: no training rows to fit on");
  for (std::size_t j = 0; j < p; ++j) {
    const auto c = static_cast<Eigen::Index>(j);
    if (kind == NormalizationKind::kMinMax) {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (auto r : rows) {
        lo = std::min(lo, x(static_cast<Eigen::Index>(r), c));
        hi = std::max(hi, x(static_cast<Eigen::Index>(r), c));
      }
      n.offset[j] = lo;
      n.scale[j] = hi > lo ? hi - lo : 1.0;
    } else {
      double sum = 0.0;
      for (auto r : rows) sum += x(static_cast<Eigen::Index>(r), c);
      const double mean = sum / static_cast<double>(rows.size());
      double ss = 0.0;
      for (auto r : rows) {
        const double d = x(static_cast<Eigen::Index>(r), c) - mean;
        ss += d * d;
      }
      const double sd = std::sqrt(ss / static_cast<double>(rows.size()));
      n.offset[j] = mean;
      n.scale[j] = sd > 0.0 ? sd : 1.0;
    }
  }
  return n;
}

void Normalization::apply(FeatureMatrix& x) const {
  if (kind == NormalizationKind::kNone) return;
  if (static_cast<std::size_t>(x.cols()) != offset.size())
    throw InputError("normalization: fitted on " + std::to_string(offset.size()) + " features, applied to " +
                     std::to_string(x.cols()));
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      x(i, j) = (x(i, j) - offset[static_cast<std::size_t>(j)]) / scale[static_cast<std::size_t>(j)];
}

}  // namespace xasforge::ml
