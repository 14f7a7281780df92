#pragma once
/// `xasforge spectrum` in process: the Python module calls the command's own option parser and
/// calculation, so a keyword argument means exactly what the command-line option means.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/scattering/chi_sum.hpp"
#include "core/structure/structure.hpp"

namespace xasforge::cli {

struct SpectrumCall {
  structure::Structure structure;
  std::size_t site = 0;
  scattering::Spectrum spectrum;
};

/// The absorbing site named by `--site N` (0-based) or `--absorber ELEMENT` (its first site), as
/// every command that takes a structure and one absorber chooses it; InputError when both, neither,
/// an out-of-range index or an absent element is given.
std::size_t choose_absorber_site(const structure::Structure& s, const std::optional<std::size_t>& site,
                                 const std::string& absorber);

/// Parses `arguments` (the options of `xasforge spectrum` after the structure, e.g. {"--site",
/// "0", "--rmax", "5"}) and computes the spectrum of `structure` as the command does, including
/// --feff-dir. Output-file options (-o, --paths, --timing) are parsed and ignored. Bad options
/// throw InputError with the command's message.
SpectrumCall spectrum_from_arguments(const std::vector<std::string>& arguments, const structure::Structure& structure);

}  // namespace xasforge::cli
