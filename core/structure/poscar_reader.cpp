// VASP POSCAR / CONTCAR reader (format: https://www.vasp.at/wiki/index.php/POSCAR).
//   line 1  comment
//   line 2  scale: one number (negative = target cell volume in Å³) or three per-axis factors
//   3-5     lattice vectors a, b, c (Å, before scaling)
//   6       species names (VASP 5; absent in VASP 4) — "Fe_pv" and "Fe/hash" POTCAR forms accepted
//   6/7     counts per species
//   [ Selective dynamics ]  (first letter S/s)
//   Direct | Cartesian      (first letter C/c/K/k = Cartesian, anything else = fractional)
//   one line per atom: three coordinates, optional T/F flags and a trailing label
// A CONTCAR's velocity and predictor blocks after the positions are ignored.
#include <string>
#include <vector>

#include "core/elements/element.hpp"
#include "core/structure/readers.hpp"
#include "core/structure/text_parsing.hpp"

namespace xasforge::structure {
namespace {

using detail::fail_at;

/// "Fe_pv" -> Fe, "Fe/5a1b2c" -> Fe, "Fe" -> Fe; nullopt if not an element.
std::optional<int> potcar_species(std::string_view word) {
  std::string_view s = word;
  const auto cut = s.find_first_of("_/.");
  if (cut != std::string_view::npos) s = s.substr(0, cut);
  if (s.empty() || s.size() > 2) return std::nullopt;
  return elements::atomic_number(s);
}

}  // namespace

Structure parse_poscar(std::string_view text, const std::string& source) {
  const auto lines = detail::split_lines(text);
  std::size_t next = 0;  // index of the next line to read
  auto line_at = [&](std::size_t i, const char* what) -> std::string_view {
    if (i >= lines.size())
      fail_at(source, i + 1, std::string("file ends before the ") + what + " (truncated POSCAR?)");
    return lines[i];
  };
  if (lines.empty() || detail::trim(text).empty()) throw InputError(source + ": empty file");

  const std::string comment = detail::trim(line_at(next++, "comment line"));

  // Scale.
  const auto scale_words = detail::split_words(line_at(next, "scale factor"));
  const std::size_t scale_line = next + 1;
  ++next;
  Eigen::Vector3d scale(1.0, 1.0, 1.0);
  double volume_target_A3 = 0.0;
  if (scale_words.size() == 3) {
    for (int k = 0; k < 3; ++k) {
      scale[k] = detail::finite_number(scale_words[static_cast<std::size_t>(k)], source, scale_line, "scale factor");
      if (scale[k] <= 0.0) fail_at(source, scale_line, "per-axis scale factors must be positive");
    }
  } else if (!scale_words.empty()) {
    const double s = detail::finite_number(scale_words[0], source, scale_line, "scale factor");
    if (s == 0.0) fail_at(source, scale_line, "scale factor is 0");
    if (s < 0.0)
      volume_target_A3 = -s;
    else
      scale.setConstant(s);
  } else {
    fail_at(source, scale_line, "expected the scale factor, found an empty line");
  }

  // Lattice.
  Eigen::Matrix3d m;
  for (int r = 0; r < 3; ++r) {
    const std::size_t ln = next + 1;
    const auto w = detail::split_words(line_at(next++, "lattice vectors"));
    if (w.size() < 3) fail_at(source, ln, "lattice vector " + std::string(1, static_cast<char>('a' + r)) + ": expected 3 numbers");
    for (int k = 0; k < 3; ++k)
      m(r, k) = detail::finite_number(w[static_cast<std::size_t>(k)], source, ln,
                                      "lattice vector " + std::string(1, static_cast<char>('a' + r)));
  }
  if (volume_target_A3 > 0.0) {
    const double v = std::abs(m.determinant());
    if (v < 1e-12) fail_at(source, 3, "lattice is singular (volume 0 Å³), cannot scale it to a volume");
    scale.setConstant(std::cbrt(volume_target_A3 / v));
  }
  // The scale multiplies the Cartesian x, y, z components (per axis when three are given).
  for (int k = 0; k < 3; ++k) m.col(k) *= scale[k];

  // Species and counts.
  std::vector<int> species;
  std::vector<long> counts;
  {
    const std::size_t ln = next + 1;
    const auto w = detail::split_words(line_at(next++, "species or counts line"));
    if (w.empty()) fail_at(source, ln, "expected species names or counts, found an empty line");
    if (detail::to_count(w[0])) {
      // VASP 4: no species line. Take species from the comment line if it names them (as pymatgen
      // does), otherwise the file cannot say which atoms these are.
      for (auto word : w) {
        const auto n = detail::to_count(word);
        if (!n) fail_at(source, ln, "count '" + std::string(word) + "' is not a non-negative integer");
        counts.push_back(*n);
      }
      const auto cw = detail::split_words(comment);
      if (cw.size() < counts.size())
        fail_at(source, ln, "VASP 4 POSCAR without a species line, and the comment line does not name " +
                                std::to_string(counts.size()) + " species; add the species line (VASP 5 format)");
      for (std::size_t k = 0; k < counts.size(); ++k) {
        const auto zk = potcar_species(cw[k]);
        if (!zk)
          fail_at(source, ln, "VASP 4 POSCAR without a species line, and the comment word '" + std::string(cw[k]) +
                                  "' is not an element; add the species line (VASP 5 format)");
        species.push_back(*zk);
      }
    } else {
      for (auto word : w) {
        if (word.front() == '!' || word.front() == '#') break;
        const auto zk = potcar_species(word);
        if (!zk) fail_at(source, ln, "unknown element '" + std::string(word) + "' in the species line");
        species.push_back(*zk);
      }
      const std::size_t cln = next + 1;
      const auto cwords = detail::split_words(line_at(next++, "counts line"));
      for (auto word : cwords) {
        if (counts.size() == species.size()) break;
        const auto n = detail::to_count(word);
        if (!n) fail_at(source, cln, "count '" + std::string(word) + "' is not a non-negative integer");
        counts.push_back(*n);
      }
      if (counts.size() != species.size())
        fail_at(source, cln, std::to_string(species.size()) + " species named but " + std::to_string(counts.size()) +
                                 " counts given");
    }
  }
  long total = 0;
  for (long n : counts) total += n;
  if (total == 0) fail_at(source, next, "the counts add up to 0 atoms (empty structure)");
  if (total > 10'000'000) fail_at(source, next, "the counts add up to " + std::to_string(total) + " atoms (too many)");

  // Selective dynamics, coordinate mode.
  std::string_view mode = line_at(next, "Direct/Cartesian line");
  std::size_t mode_line = next + 1;
  ++next;
  auto first_letter = [](std::string_view s) {
    for (char c : s)
      if (!std::isspace(static_cast<unsigned char>(c))) return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return '\0';
  };
  const bool selective = first_letter(mode) == 's';
  if (selective) {
    mode = line_at(next, "Direct/Cartesian line");
    mode_line = next + 1;
    ++next;
  }
  const char m0 = first_letter(mode);
  if (m0 == '\0') fail_at(source, mode_line, "expected 'Direct' or 'Cartesian', found an empty line");
  if (std::isdigit(static_cast<unsigned char>(m0)) || m0 == '-' || m0 == '+' || m0 == '.')
    fail_at(source, mode_line, "expected 'Direct' or 'Cartesian' before the coordinates, found '" +
                                   detail::trim(mode) + "'");
  const bool cartesian = m0 == 'c' || m0 == 'k';

  Lattice lattice;
  try {
    lattice = Lattice(m);
  } catch (const InputError& e) {
    fail_at(source, 3, e.what());
  }

  std::vector<int> z;
  std::vector<Eigen::Vector3d> frac;
  z.reserve(static_cast<std::size_t>(total));
  frac.reserve(static_cast<std::size_t>(total));
  for (std::size_t k = 0; k < species.size(); ++k) {
    for (long n = 0; n < counts[k]; ++n) {
      const std::size_t ln = next + 1;
      const auto w = detail::split_words(line_at(next++, "atom positions"));
      if (w.size() < 3)
        fail_at(source, ln, "atom " + std::to_string(z.size() + 1) + ": expected 3 coordinates");
      Eigen::Vector3d x;
      for (int c = 0; c < 3; ++c)
        x[c] = detail::finite_number(w[static_cast<std::size_t>(c)], source, ln,
                                     "atom " + std::to_string(z.size() + 1) + " coordinate");
      if (selective && w.size() >= 6)
        for (std::size_t c = 3; c < 6; ++c)
          if (w[c] != "T" && w[c] != "F" && w[c] != "t" && w[c] != "f")
            fail_at(source, ln, "selective dynamics flag '" + std::string(w[c]) + "' is not T or F");
      if (cartesian) {
        for (int c = 0; c < 3; ++c) x[c] *= scale[c];
        x = lattice.to_fractional(x);
      }
      z.push_back(species[k]);
      frac.push_back(x);
    }
  }
  Structure s = Structure::periodic(std::move(lattice), std::move(z), std::move(frac));
  s.source = source;
  return s;
}

}  // namespace xasforge::structure
