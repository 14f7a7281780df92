#include "core/xafs/measured_spectrum.hpp"

#include <cmath>
#include <initializer_list>

#include "core/error.hpp"
#include "core/xafs/athena_project.hpp"
#include "core/xafs/column_file.hpp"
#include "core/xafs/mu_expression.hpp"

namespace xasforge::xafs {

namespace {
constexpr std::size_t kMinPoints = 10;

// The first record of an Athena project: its energy and mu arrays as they are stored.
MeasuredSpectrum load_athena_spectrum(const std::filesystem::path& path, const std::string& energy_column,
                                      const std::string& mu_expression) {
  if (!energy_column.empty() || !mu_expression.empty())
    throw InputError(path.string() + ": an Athena project stores energy and mu(E) already; an energy column or "
                     "mu expression does not apply");
  const std::vector<AthenaGroup> groups = read_athena_project(path);
  const AthenaGroup& g = groups.front();
  MeasuredSpectrum s;
  s.path = path.string();
  s.energy_column = "x (record '" + g.label + "')";
  s.mu_expression = "y";
  s.energy_eV = g.energy_eV;
  s.mu = g.mu;
  s.line_numbers.assign(g.energy_eV.size(), g.line);
  if (groups.size() > 1)
    s.warnings.push_back(s.path + ": " + std::to_string(groups.size()) + " records; the first ('" + g.label +
                         "') is used");
  if (s.energy_eV.size() < kMinPoints)
    throw InputError(s.path + ":" + std::to_string(g.line) + ": record '" + g.label + "' has only " +
                     std::to_string(s.energy_eV.size()) + " data points; at least " + std::to_string(kMinPoints) +
                     " are needed for a spectrum");
  for (std::size_t i = 0; i < s.energy_eV.size(); ++i)
    if (!std::isfinite(s.energy_eV[i]) || !std::isfinite(s.mu[i]))
      throw InputError(s.path + ":" + std::to_string(g.line) + ": record '" + g.label + "', point " +
                       std::to_string(i + 1) + " is not finite");
  return s;
}
}  // namespace

MeasuredSpectrum load_measured_spectrum(const std::filesystem::path& path, const std::string& energy_column,
                                        const std::string& mu_expression) {
  if (is_athena_project(path)) return load_athena_spectrum(path, energy_column, mu_expression);
  const ColumnFile file = read_column_file(path);
  MeasuredSpectrum s;
  s.path = file.path;
  s.line_numbers = file.line_numbers;
  const std::string data_lines = std::to_string(file.line_numbers.front()) + "-" +
                                 std::to_string(file.line_numbers.back());

  // The first label of each list that the file has (labels compare case-insensitively).
  auto first_of = [&](std::initializer_list<const char*> names) -> std::string {
    for (const char* name : names)
      if (file.has_column(name)) return name;
    return "";
  };
  s.energy_column = energy_column;
  if (s.energy_column.empty()) s.energy_column = first_of({"energy", "e", "ev", "energy_ev", "enc"});
  if (s.energy_column.empty()) s.energy_column = "col1";
  s.energy_eV = file.columns[file.column_index(s.energy_column)];

  s.mu_expression = mu_expression;
  if (s.mu_expression.empty()) {
    // mu itself (XDI mutrans/mufluor, Athena's xmu and norm/flat exports), else transmission
    // ln(I0/It), else fluorescence If/I0, else the second column of a two-column file.
    s.mu_expression = first_of({"mu", "mutrans", "mufluor", "xmu", "mu_e", "flat", "norm"});
    const std::string i0 = first_of({"i0", "io", "izero"});
    const std::string it = first_of({"itrans", "it", "i1"});
    const std::string fl = first_of({"ifluor", "if", "iff", "fluo", "fluor"});
    if (s.mu_expression.empty() && !i0.empty() && !it.empty()) s.mu_expression = "ln(" + i0 + "/" + it + ")";
    if (s.mu_expression.empty() && !i0.empty() && !fl.empty()) s.mu_expression = fl + "/" + i0;
    if (s.mu_expression.empty() && file.columns.size() == 2) s.mu_expression = "col2";
    if (s.mu_expression.empty()) {
      std::string known;
      for (std::size_t i = 0; i < file.labels.size(); ++i) known += (i ? ", " : "") + file.labels[i];
      throw InputError(s.path + ":" + data_lines + ": no mu column (none labelled mu, mutrans, mufluor, xmu or norm, "
                       "no i0 with itrans/it or ifluor/if, and more than two columns); columns are: " + known +
                       "; name the mu expression, e.g. ln(col2/col3)");
    }
  }
  const MuExpression expression(s.mu_expression);
  s.mu = expression.evaluate(file);

  if (s.energy_eV.size() < kMinPoints)
    throw InputError(s.path + ":" + data_lines + ": only " + std::to_string(s.energy_eV.size()) +
                     " data points; at least " + std::to_string(kMinPoints) + " are needed for a spectrum");
  for (std::size_t i = 0; i < s.energy_eV.size(); ++i) {
    if (!std::isfinite(s.energy_eV[i]))
      throw InputError(s.path + ":" + std::to_string(s.line_numbers[i]) + ": energy (" + s.energy_column +
                       ") is not finite");
    if (!std::isfinite(s.mu[i]))
      throw InputError(s.path + ":" + std::to_string(s.line_numbers[i]) + ": mu = " + s.mu_expression + " is " +
                       std::to_string(s.mu[i]) + " (e.g. the log of a non-positive ratio)");
  }
  std::size_t n_repeat = 0, n_decrease = 0, first_bad = 0;
  for (std::size_t i = 1; i < s.energy_eV.size(); ++i) {
    const double d = s.energy_eV[i] - s.energy_eV[i - 1];
    if (d < 1.0e-7) {
      if (n_repeat + n_decrease == 0) first_bad = i;
      if (d < 0) ++n_decrease; else ++n_repeat;
    }
  }
  if (n_repeat + n_decrease > 0)
    s.warnings.push_back(s.path + ":" + std::to_string(s.line_numbers[first_bad]) + ": " +
                         std::to_string(n_repeat) + " repeated and " + std::to_string(n_decrease) +
                         " decreasing energies; each is moved just above its predecessor (by max(1e-7 eV, "
                         "1e-6 x the step)) as Larch's remove_dups does");
  return s;
}

}  // namespace xasforge::xafs
