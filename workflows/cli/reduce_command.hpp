#pragma once
/// `xasforge reduce` in process, for the Python module: the command's own options and reduction.
#include <string>
#include <vector>

#include "core/xafs/measured_spectrum.hpp"
#include "core/xafs/reduction.hpp"

namespace xasforge::cli {

struct ReduceCall {
  xafs::MeasuredSpectrum spectrum;
  xafs::ReductionResult result;
};

/// Parses `arguments` (the command's arguments after `reduce`: a file and options, e.g.
/// {"data.xdi", "--rbkg", "1.1"}) and reduces as the command does. With `spectrum` given, that
/// spectrum is reduced and no file is read. -o is accepted and ignored. Bad options throw
/// InputError with the command's message.
ReduceCall reduce_from_arguments(const std::vector<std::string>& arguments, const xafs::MeasuredSpectrum* spectrum);

}  // namespace xasforge::cli
