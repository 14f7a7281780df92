#pragma once
/// A measured mu(E) taken from a column file: which column is the energy, how mu is formed.
#include <filesystem>
#include <string>
#include <vector>

namespace xasforge::xafs {

struct MeasuredSpectrum {
  std::string path;
  std::string energy_column;   ///< as resolved (label or colN)
  std::string mu_expression;   ///< as resolved
  std::vector<double> energy_eV;
  std::vector<double> mu;
  std::vector<std::size_t> line_numbers;  ///< 1-based file line of each point
  std::vector<std::string> warnings;      ///< e.g. repeated or decreasing energies
};

/// Reads path and forms (energy, mu). energy_column: a label or colN; empty: the column labelled
/// energy (or e, ev, energy_ev, enc), else col1. mu_expression: see MuExpression; empty: a column
/// labelled mu, mutrans, mufluor, xmu, mu_e, flat or norm (XDI, Athena exports), else
/// ln(I0/It) with I0 labelled i0/io/izero and It itrans/it/i1, else If/I0 with If labelled
/// ifluor/if/iff/fluo/fluor, else col2 of a two-column file (labels compare case-insensitively).
/// Repeated or decreasing energies are kept (pre_edge/autobk nudge them as Larch does) and
/// reported in warnings with their lines. Throws InputError naming the file and line for: no
/// numeric columns, an unknown column, fewer than 10 points, non-finite energy or mu.
MeasuredSpectrum load_measured_spectrum(const std::filesystem::path& path, const std::string& energy_column = "",
                                        const std::string& mu_expression = "");

}  // namespace xasforge::xafs
