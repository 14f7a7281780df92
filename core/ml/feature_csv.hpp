#pragma once
/// Feature rows from a CSV file: one row per line, comma- (or whitespace-) separated numbers.
/// Lines starting with '#' and a first line that is not numeric (a header) are skipped.
#include <string>

#include "core/ml/dataset.hpp"

namespace xasforge::ml {

/// Throws InputError naming file and line on a non-numeric field, a ragged row or no rows.
FeatureMatrix read_feature_csv(const std::string& path);

}  // namespace xasforge::ml
