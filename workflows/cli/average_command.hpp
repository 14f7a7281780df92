#pragma once
/// `xasforge average` in process, for the Python module: the command's own options and average.
#include <string>
#include <vector>

#include "core/ensemble/configuration_average.hpp"

namespace xasforge::cli {

struct AverageCall {
  std::vector<double> k_invA;      ///< the output grid (FEFF's 0.05 Å⁻¹ grid)
  ensemble::AverageResult result;  ///< mean χ(k), its standard error, counts
};

/// Parses `arguments` (the command's arguments after `average`: snapshot files and options) and
/// averages as the command does; writes no file. Bad options throw InputError with the
/// command's message.
AverageCall average_from_arguments(const std::vector<std::string>& arguments);

}  // namespace xasforge::cli
