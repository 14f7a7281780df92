#pragma once
/// Per-feature normalization, fitted on training rows only and stored in the model file.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/ml/dataset.hpp"

namespace xasforge::ml {

enum class NormalizationKind {
  kNone,     // x
  kMinMax,  // (x - min) / (max - min), constant columns map to 0
  kMean,     // (x - mean) / standard deviation, constant columns map to 0
};

NormalizationKind parse_normalization(std::string_view name);  // "none", "minmax", "mean"
std::string to_string(NormalizationKind kind);

struct Normalization {
  NormalizationKind kind = NormalizationKind::kNone;
  std::vector<double> offset;  // subtracted
  std::vector<double> scale;   // then divided by

  /// Fits on the listed rows only (a training fold), never on the rows it will be tested on.
  static Normalization fit(NormalizationKind kind, const FeatureMatrix& x, const std::vector<std::size_t>& rows);
  /// Applies in place; throws InputError if the column count differs from the fitted one.
  void apply(FeatureMatrix& x) const;
};

}  // namespace xasforge::ml
