// XYZ and extended XYZ reader.
//   line 1  number of atoms N
//   line 2  comment; in extended XYZ (ASE, QUIP) key=value pairs such as
//           Lattice="ax ay az bx by bz cx cy cz" Properties=species:S:1:pos:R:3 pbc="T T T"
//   N lines element (symbol or atomic number) and x y z in Å (more columns per Properties)
// Plain XYZ, or extended XYZ without Lattice or with pbc="F F F", is a finite cluster; extended
// XYZ with a Lattice is periodic. Only the first frame of a multi-frame file is read.
#include <map>
#include <string>
#include <vector>

#include "core/elements/element.hpp"
#include "core/structure/readers.hpp"
#include "core/structure/text_parsing.hpp"

namespace xasforge::structure {
namespace {

using detail::fail_at;

/// key=value pairs of an extended XYZ comment line (keys lower-cased; values unquoted).
std::map<std::string, std::string> parse_key_values(std::string_view line, const std::string& source, std::size_t ln) {
  std::map<std::string, std::string> kv;
  std::size_t i = 0;
  const std::size_t n = line.size();
  while (i < n) {
    while (i < n && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= n) break;
    std::size_t k = i;
    while (k < n && line[k] != '=' && !std::isspace(static_cast<unsigned char>(line[k]))) ++k;
    std::string key = detail::to_lower(line.substr(i, k - i));
    i = k;
    if (i >= n || line[i] != '=') {  // a bare word: a flag or plain comment text
      kv.emplace(key, "T");
      continue;
    }
    ++i;
    std::string value;
    if (i < n && (line[i] == '"' || line[i] == '\'' || line[i] == '{')) {
      const char close = line[i] == '{' ? '}' : line[i];
      const std::size_t end = line.find(close, i + 1);
      if (end == std::string_view::npos) fail_at(source, ln, "extended XYZ value of '" + key + "' has no closing " + close);
      value = std::string(line.substr(i + 1, end - i - 1));
      i = end + 1;
    } else {
      const std::size_t start = i;
      while (i < n && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
      value = std::string(line.substr(start, i - start));
    }
    kv[key] = value;
  }
  return kv;
}

struct Columns {
  std::size_t species = 0;
  std::size_t pos = 1;
  std::size_t width = 4;  ///< minimum number of columns per atom line
};

Columns parse_properties(const std::string& props, const std::string& source, std::size_t ln) {
  Columns c;
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= props.size(); ++i)
    if (i == props.size() || props[i] == ':') {
      fields.push_back(props.substr(start, i - start));
      start = i + 1;
    }
  if (fields.size() % 3 != 0) fail_at(source, ln, "Properties='" + props + "' must be name:type:count triples");
  std::size_t col = 0;
  bool has_species = false, has_pos = false;
  for (std::size_t f = 0; f < fields.size(); f += 3) {
    const std::string name = detail::to_lower(fields[f]);
    const auto count = detail::to_count(fields[f + 2]);
    if (!count || *count == 0) fail_at(source, ln, "Properties: column count of '" + fields[f] + "' is not a positive integer");
    if (name == "species") {
      c.species = col;
      has_species = true;
    } else if (name == "pos") {
      if (*count != 3) fail_at(source, ln, "Properties: pos must have 3 columns");
      c.pos = col;
      has_pos = true;
    }
    col += static_cast<std::size_t>(*count);
  }
  if (!has_species || !has_pos) fail_at(source, ln, "Properties='" + props + "' lacks species or pos");
  c.width = col;
  return c;
}

}  // namespace

Structure parse_xyz(std::string_view text, const std::string& source) {
  const auto lines = detail::split_lines(text);
  std::size_t first = 0;
  while (first < lines.size() && detail::trim(lines[first]).empty()) ++first;
  if (first >= lines.size()) throw InputError(source + ": empty file");
  const auto head = detail::split_words(lines[first]);
  const auto count = head.size() == 1 ? detail::to_count(head[0]) : std::nullopt;
  if (!count) fail_at(source, first + 1, "expected the number of atoms, got '" + detail::trim(lines[first]) + "'");
  if (*count == 0) fail_at(source, first + 1, "the file declares 0 atoms (empty structure)");
  const std::size_t n = static_cast<std::size_t>(*count);
  if (first + 1 >= lines.size()) fail_at(source, first + 2, "file ends before the comment line (truncated?)");

  const std::size_t comment_ln = first + 2;
  const auto kv = parse_key_values(lines[first + 1], source, comment_ln);
  Columns cols;
  if (auto it = kv.find("properties"); it != kv.end()) cols = parse_properties(it->second, source, comment_ln);

  std::optional<Lattice> lattice;
  if (auto it = kv.find("lattice"); it != kv.end()) {
    const auto w = detail::split_words(it->second);
    if (w.size() != 9) fail_at(source, comment_ln, "Lattice=\"...\" must hold 9 numbers, got " + std::to_string(w.size()));
    Eigen::Matrix3d m;
    for (int k = 0; k < 9; ++k) m(k / 3, k % 3) = detail::finite_number(w[static_cast<std::size_t>(k)], source, comment_ln, "Lattice");
    bool periodic = true;
    if (auto p = kv.find("pbc"); p != kv.end()) {
      const auto flags = detail::split_words(p->second);
      int n_true = 0;
      for (auto f : flags) n_true += (f == "T" || f == "t" || f == "True" || f == "true" || f == "1");
      if (flags.size() != 3) fail_at(source, comment_ln, "pbc=\"...\" must hold 3 flags");
      if (n_true == 0) periodic = false;
      else if (n_true != 3) fail_at(source, comment_ln, "pbc=\"" + p->second + "\": partial periodicity (slabs, wires) is not supported");
    }
    if (periodic) {
      try {
        lattice = Lattice(m);
      } catch (const InputError& e) {
        fail_at(source, comment_ln, e.what());
      }
    }
  }

  std::vector<int> z;
  std::vector<Eigen::Vector3d> xyz;
  z.reserve(n);
  xyz.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t idx = first + 2 + i;
    if (idx >= lines.size())
      fail_at(source, idx + 1, "file ends after " + std::to_string(i) + " of " + std::to_string(n) + " atoms (truncated?)");
    const auto w = detail::split_words(lines[idx]);
    if (w.size() < std::max(cols.width, std::max(cols.species, cols.pos + 2) + 1))
      fail_at(source, idx + 1, "atom " + std::to_string(i + 1) + ": expected element and x y z, got '" +
                                   detail::trim(lines[idx]) + "'");
    const std::string_view sym = w[cols.species];
    std::optional<int> zi;
    if (auto num = detail::to_count(sym)) {
      if (*num >= 1 && *num <= elements::kMaxZ) zi = static_cast<int>(*num);
    } else {
      zi = elements::atomic_number(sym);
    }
    if (!zi) fail_at(source, idx + 1, "atom " + std::to_string(i + 1) + ": unknown element '" + std::string(sym) + "'");
    Eigen::Vector3d r;
    for (int c = 0; c < 3; ++c)
      r[c] = detail::finite_number(w[cols.pos + static_cast<std::size_t>(c)], source, idx + 1,
                                   "atom " + std::to_string(i + 1) + " coordinate");
    z.push_back(*zi);
    xyz.push_back(r);
  }
  if (lattice) {
    std::vector<Eigen::Vector3d> frac;
    frac.reserve(n);
    for (const auto& r : xyz) frac.push_back(lattice->to_fractional(r));
    Structure s = Structure::periodic(*lattice, std::move(z), std::move(frac));
    s.source = source;
    return s;
  }
  Structure s = Structure::cluster(std::move(z), std::move(xyz));
  s.source = source;
  return s;
}

}  // namespace xasforge::structure
