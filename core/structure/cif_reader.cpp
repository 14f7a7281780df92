// CIF 1.1 reader for the crystal structures users have: CIFs written by the Materials Project /
// pymatgen (CifWriter, P1 or symmetrized), ICSD and COD. Symmetry operations are applied to the
// asymmetric unit and duplicates removed with pymatgen's CifParser site tolerance.
//
// Grammar followed: the CIF 1.1 syntax (IUCr, https://www.iucr.org/resources/cif/spec/version1.1/
// cifsyntax): data_ blocks, tags, loop_, quoted strings, ';' text fields, '#' comments; numbers
// may carry a standard uncertainty in parentheses ("5.4307(2)"); '?' and '.' are missing values.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <spglib.h>

#include "core/elements/element.hpp"
#include "core/structure/readers.hpp"
#include "core/structure/text_parsing.hpp"

namespace xasforge::structure {
namespace {

using detail::fail_at;

struct Token {
  std::string text;
  std::size_t line = 0;
  bool quoted = false;  ///< quoted strings and text fields are never keywords or tags
};

// ---- tokenizer --------------------------------------------------------------------------------

std::vector<Token> tokenize(std::string_view text, const std::string& source) {
  std::vector<Token> tokens;
  std::size_t i = 0, line = 1;
  bool at_line_start = true;
  const std::size_t n = text.size();
  while (i < n) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      ++i;
      at_line_start = true;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      at_line_start = false;
      continue;
    }
    if (c == '\0') fail_at(source, line, "binary data (NUL byte) in a CIF file");
    if (c == '#') {
      while (i < n && text[i] != '\n') ++i;
      continue;
    }
    if (c == ';' && at_line_start) {
      // Text field: up to the next line that starts with ';'.
      const std::size_t start_line = line;
      std::size_t j = i + 1;
      std::string value;
      for (;;) {
        const std::size_t eol = text.find('\n', j);
        if (eol == std::string_view::npos)
          fail_at(source, start_line, "text field opened with ';' is never closed (truncated file?)");
        value.append(text.substr(j, eol - j + 1));
        ++line;
        j = eol + 1;
        if (j < n && text[j] == ';') break;
        if (j >= n) fail_at(source, start_line, "text field opened with ';' is never closed (truncated file?)");
      }
      tokens.push_back({detail::trim(value), start_line, true});
      i = j + 1;
      at_line_start = false;
      continue;
    }
    at_line_start = false;
    if (c == '\'' || c == '"') {
      // A quoted string ends at the same quote followed by whitespace or end of input.
      std::size_t j = i + 1;
      for (;;) {
        if (j >= n || text[j] == '\n')
          fail_at(source, line, std::string("quoted string opened with ") + c + " is not closed on its line");
        if (text[j] == c && (j + 1 >= n || std::isspace(static_cast<unsigned char>(text[j + 1])))) break;
        ++j;
      }
      tokens.push_back({std::string(text.substr(i + 1, j - i - 1)), line, true});
      i = j + 1;
      continue;
    }
    std::size_t j = i;
    while (j < n && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
    tokens.push_back({std::string(text.substr(i, j - i)), line, false});
    i = j;
  }
  return tokens;
}

// ---- blocks -----------------------------------------------------------------------------------

struct Block {
  std::string name;
  std::size_t line = 0;
  std::map<std::string, std::vector<Token>> items;  ///< lower-case tag -> value(s)
  std::map<std::string, std::size_t> tag_line;
  std::map<std::string, int> loop_of;  ///< lower-case tag -> loop id (-1 for a single item)
};

bool is_keyword(const Token& t, std::string_view kw) {
  return !t.quoted && t.text.size() >= kw.size() && detail::to_lower(t.text.substr(0, kw.size())) == kw;
}
bool is_tag(const Token& t) { return !t.quoted && !t.text.empty() && t.text[0] == '_'; }
bool is_reserved(const Token& t) {
  return is_keyword(t, "data_") || is_keyword(t, "loop_") || is_keyword(t, "save_") ||
         is_keyword(t, "global_") || is_keyword(t, "stop_");
}

std::vector<Block> parse_blocks(const std::vector<Token>& tokens, const std::string& source) {
  std::vector<Block> blocks;
  int loop_id = 0;
  std::size_t i = 0;
  auto current = [&](std::size_t line) -> Block& {
    if (blocks.empty())
      fail_at(source, line, "CIF data before the first 'data_' block header (not a CIF file?)");
    return blocks.back();
  };
  auto add_tag = [&](Block& b, const Token& tag, int loop) {
    std::string key = detail::to_lower(tag.text);
    if (b.items.count(key)) fail_at(source, tag.line, "tag " + tag.text + " appears twice in block data_" + b.name);
    b.items[key];
    b.tag_line[key] = tag.line;
    b.loop_of[key] = loop;
    return key;
  };
  while (i < tokens.size()) {
    const Token& t = tokens[i];
    if (is_keyword(t, "data_")) {
      blocks.push_back(Block{t.text.substr(5), t.line, {}, {}, {}});
      ++i;
    } else if (is_keyword(t, "loop_")) {
      Block& b = current(t.line);
      const std::size_t loop_line = t.line;
      ++i;
      std::vector<std::string> keys;
      while (i < tokens.size() && is_tag(tokens[i])) keys.push_back(add_tag(b, tokens[i++], loop_id));
      if (keys.empty()) fail_at(source, loop_line, "loop_ without any tags");
      std::size_t count = 0;
      while (i < tokens.size() && !is_tag(tokens[i]) && !is_reserved(tokens[i])) {
        b.items[keys[count % keys.size()]].push_back(tokens[i]);
        ++count;
        ++i;
      }
      if (count % keys.size() != 0)
        fail_at(source, loop_line,
                "loop_ of " + std::to_string(keys.size()) + " columns (" + keys.front() + ", ...) has " +
                    std::to_string(count) + " values, not a multiple of " + std::to_string(keys.size()) +
                    " (truncated file or a value with spaces that is not quoted?)");
      ++loop_id;
    } else if (is_tag(t)) {
      Block& b = current(t.line);
      const std::string key = add_tag(b, t, -1);
      if (i + 1 >= tokens.size() || is_tag(tokens[i + 1]) || is_reserved(tokens[i + 1]))
        fail_at(source, t.line, "tag " + t.text + " has no value (truncated file?)");
      b.items[key].push_back(tokens[i + 1]);
      i += 2;
    } else if (is_keyword(t, "save_") || is_keyword(t, "global_") || is_keyword(t, "stop_")) {
      fail_at(source, t.line, "'" + t.text + "' (a STAR/dictionary construct) is not supported in a structure CIF");
    } else {
      fail_at(source, t.line, "unexpected value '" + t.text + "' outside a loop_ (a tag is missing?)");
    }
  }
  return blocks;
}

// ---- values -----------------------------------------------------------------------------------

bool is_missing(const Token& t) { return !t.quoted && (t.text == "?" || t.text == "."); }

/// A CIF number: "5.4307(2)" -> 5.4307 (the standard uncertainty is dropped).
double cif_number(const Token& t, const std::string& source, const std::string& what) {
  std::string s = t.text;
  const auto open = s.find('(');
  if (open != std::string::npos) {
    if (s.back() != ')') fail_at(source, t.line, what + ": malformed uncertainty in '" + t.text + "'");
    s.resize(open);
  }
  return detail::finite_number(s, source, t.line, what);
}

const Token* single(const Block& b, const std::string& key) {
  const auto it = b.items.find(key);
  if (it == b.items.end() || it->second.empty()) return nullptr;
  return &it->second.front();
}

double required_number(const Block& b, const std::string& key, const std::string& source) {
  const Token* t = single(b, key);
  if (!t) fail_at(source, b.line, "data_" + b.name + " has no " + key);
  if (is_missing(*t)) fail_at(source, t->line, key + " is missing ('" + t->text + "')");
  return cif_number(*t, source, key);
}

// ---- symmetry operations ----------------------------------------------------------------------

struct SymOp {
  Eigen::Matrix3d rotation = Eigen::Matrix3d::Identity();
  Eigen::Vector3d translation = Eigen::Vector3d::Zero();
};

/// One component of "x-y+1/2": a sum of signed terms, each a variable with an optional factor or
/// a constant (integer, decimal or fraction).
void parse_component(std::string_view s, int row, SymOp& op, const std::string& source, std::size_t line,
                     const std::string& whole) {
  auto bad = [&](const std::string& why) {
    fail_at(source, line, "symmetry operation '" + whole + "': " + why);
  };
  std::string c;
  for (char ch : s)
    if (!std::isspace(static_cast<unsigned char>(ch))) c += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (c.empty()) bad("empty component");
  op.rotation.row(row).setZero();
  op.translation[row] = 0.0;
  std::size_t i = 0;
  bool any = false;
  while (i < c.size()) {
    double sign = 1.0;
    if (c[i] == '+' || c[i] == '-') {
      sign = c[i] == '-' ? -1.0 : 1.0;
      ++i;
    } else if (any) {
      bad("expected + or - before '" + c.substr(i) + "'");
    }
    // Optional number (factor or constant).
    std::size_t j = i;
    while (j < c.size() && (std::isdigit(static_cast<unsigned char>(c[j])) || c[j] == '.' || c[j] == '/')) ++j;
    double value = 1.0;
    const bool has_number = j > i;
    if (has_number) {
      const std::string num = c.substr(i, j - i);
      const auto slash = num.find('/');
      std::optional<double> v;
      if (slash == std::string::npos) {
        v = detail::to_double(num);
      } else {
        const auto p = detail::to_double(num.substr(0, slash));
        const auto q = detail::to_double(num.substr(slash + 1));
        if (p && q && *q != 0.0) v = *p / *q;
      }
      if (!v) bad("cannot read the number '" + num + "'");
      value = *v;
    }
    i = j;
    if (i < c.size() && c[i] == '*') ++i;
    if (i < c.size() && (c[i] == 'x' || c[i] == 'y' || c[i] == 'z')) {
      op.rotation(row, c[i] - 'x') += sign * value;
      ++i;
    } else if (has_number) {
      op.translation[row] += sign * value;
    } else {
      bad("expected x, y, z or a number in '" + c + "'");
    }
    any = true;
  }
}

SymOp parse_symop(const Token& t, const std::string& source) {
  std::string s = t.text;
  // Some writers number the operations inside the string: "1 x,y,z" is handled by the caller;
  // here only the expression remains.
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == ',') {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  if (parts.size() != 3)
    fail_at(source, t.line, "symmetry operation '" + s + "' must have 3 comma-separated components");
  SymOp op;
  for (int r = 0; r < 3; ++r) parse_component(parts[static_cast<std::size_t>(r)], r, op, source, t.line, s);
  if (std::abs(std::abs(op.rotation.determinant()) - 1.0) > 1e-6)
    fail_at(source, t.line, "symmetry operation '" + s + "' is not a rotation (|det| != 1)");
  return op;
}

std::string squeeze(std::string_view s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c)) && c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<SymOp> ops_from_hall_number(int hall) {
  int rotations[192][3][3];
  double translations[192][3];
  const int n = spg_get_symmetry_from_database(rotations, translations, hall);
  std::vector<SymOp> ops(static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k) {
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) ops[static_cast<std::size_t>(k)].rotation(r, c) = rotations[k][r][c];
      ops[static_cast<std::size_t>(k)].translation[r] = translations[k][r];
    }
  }
  return ops;
}

/// Operations from the space-group name when a CIF lists none: Hall symbol, then the
/// Hermann-Mauguin symbol (first matching setting in spglib's table of 530 Hall settings, i.e. the
/// standard setting), then the International Tables number.
std::vector<SymOp> ops_from_space_group(const Block& b, const std::string& source) {
  for (const char* key : {"_space_group_name_hall", "_symmetry_space_group_name_hall"}) {
    if (const Token* t = single(b, key); t && !is_missing(*t)) {
      const std::string want = squeeze(t->text);
      for (int h = 1; h <= 530; ++h)
        if (squeeze(spg_get_spacegroup_type(h).hall_symbol) == want) return ops_from_hall_number(h);
      fail_at(source, t->line, "unknown Hall symbol '" + t->text + "'");
    }
  }
  for (const char* key : {"_space_group_name_h-m_alt", "_symmetry_space_group_name_h-m"}) {
    if (const Token* t = single(b, key); t && !is_missing(*t)) {
      const std::string want = squeeze(t->text);
      for (int h = 1; h <= 530; ++h) {
        const SpglibSpacegroupType sg = spg_get_spacegroup_type(h);
        if (squeeze(sg.international_short) == want || squeeze(sg.international_full) == want ||
            squeeze(sg.international) == want)
          return ops_from_hall_number(h);
      }
      fail_at(source, t->line, "unknown Hermann-Mauguin symbol '" + t->text +
                                   "' and no symmetry operations (_symmetry_equiv_pos_as_xyz) listed");
    }
  }
  for (const char* key : {"_space_group_it_number", "_symmetry_int_tables_number"}) {
    if (const Token* t = single(b, key); t && !is_missing(*t)) {
      const double v = cif_number(*t, source, key);
      if (v < 1 || v > 230 || v != std::floor(v))
        fail_at(source, t->line, key + std::string(" must be an integer 1..230, got '") + t->text + "'");
      for (int h = 1; h <= 530; ++h)
        if (spg_get_spacegroup_type(h).number == static_cast<int>(v)) return ops_from_hall_number(h);
    }
  }
  return {SymOp{}};  // nothing said: P1, as pymatgen assumes
}

std::vector<SymOp> symmetry_operations(const Block& b, const std::string& source) {
  for (const char* key : {"_symmetry_equiv_pos_as_xyz", "_space_group_symop_operation_xyz",
                          "_space_group_symop.operation_xyz", "_symmetry_equiv.pos_as_xyz"}) {
    const auto it = b.items.find(key);
    if (it == b.items.end()) continue;
    std::vector<SymOp> ops;
    for (const Token& t : it->second) {
      if (is_missing(t)) continue;
      Token expr = t;
      // "1 x, y, z" (an id before the expression, as some writers put it in one quoted string).
      const auto words = detail::split_words(expr.text);
      if (words.size() > 1 && detail::to_count(words.front()) && expr.text.find(',') != std::string::npos &&
          words.front().find(',') == std::string_view::npos)
        expr.text = expr.text.substr(expr.text.find(words[1]));
      ops.push_back(parse_symop(expr, source));
    }
    if (ops.empty()) fail_at(source, b.tag_line.at(key), std::string(key) + " lists no operations");
    return ops;
  }
  return ops_from_space_group(b, source);
}

// ---- elements ---------------------------------------------------------------------------------

/// Element from an _atom_site_type_symbol ("Fe3+", "O2-", "FE") or a label ("Fe1", "O2a"):
/// pymatgen's CifParser rule, first two letters title-cased if that is an element, else the
/// first letter.
std::optional<int> element_from_symbol(std::string_view s) {
  std::string letters;
  for (char c : s) {
    if (!std::isalpha(static_cast<unsigned char>(c))) break;
    letters += c;
  }
  if (letters.empty()) return std::nullopt;
  if (letters.size() >= 2) {
    std::string two{static_cast<char>(std::toupper(static_cast<unsigned char>(letters[0]))),
                    static_cast<char>(std::tolower(static_cast<unsigned char>(letters[1])))};
    if (auto z = elements::atomic_number(two)) return z;
  }
  std::string one{static_cast<char>(std::toupper(static_cast<unsigned char>(letters[0])))};
  // A one-letter element only when the symbol is that letter alone or followed by a non-letter
  // or the 2-letter form is not an element ("O1", "Os" would have matched above).
  return elements::atomic_number(one);
}

/// pymatgen's CifParser rounds 0.3333/0.6667 written with finite precision to 1/3 and 2/3 (relative
/// difference below 1e-4), so that symmetry images coincide; do the same.
double snap_thirds(double f) {
  for (double ideal : {1.0 / 3.0, 2.0 / 3.0})
    if (std::abs(1.0 - f / ideal) < 1e-4) return ideal;
  return f;
}

// pymatgen CifParser default site_tolerance: two images closer than this in every fractional
// coordinate (modulo 1) are one site.
constexpr double kSiteToleranceFrac = 1e-4;
// Occupancy 1 as printed by databases ("1", "1.0", "0.9999"); anything further from 1 is partial.
constexpr double kOccupancyTolerance = 1e-3;

bool same_position(const Eigen::Vector3d& a, const Eigen::Vector3d& b) {
  for (int k = 0; k < 3; ++k) {
    const double d = a[k] - b[k];
    if (std::abs(d - std::round(d)) > kSiteToleranceFrac) return false;
  }
  return true;
}

const Block& structure_block(const std::vector<Block>& blocks, const std::string& source) {
  if (blocks.empty()) throw InputError(source + ": no 'data_' block (empty or not a CIF file)");
  for (const Block& b : blocks)
    if (b.items.count("_atom_site_fract_x")) return b;
  for (const Block& b : blocks)
    if (b.items.count("_atom_site_cartn_x"))
      fail_at(source, b.tag_line.at("_atom_site_cartn_x"),
              "only Cartesian _atom_site_Cartn_x coordinates; fractional _atom_site_fract_x are required");
  fail_at(source, blocks.front().line, "no _atom_site_fract_x loop in any data block (no atoms)");
}

}  // namespace

Structure parse_cif(std::string_view text, const std::string& source) {
  const std::vector<Block> blocks = parse_blocks(tokenize(text, source), source);
  const Block& b = structure_block(blocks, source);

  const double a = required_number(b, "_cell_length_a", source), bb = required_number(b, "_cell_length_b", source),
               c = required_number(b, "_cell_length_c", source);
  const double alpha = required_number(b, "_cell_angle_alpha", source),
               beta = required_number(b, "_cell_angle_beta", source),
               gamma = required_number(b, "_cell_angle_gamma", source);
  for (auto [value, key] : {std::pair{a, "_cell_length_a"}, {bb, "_cell_length_b"}, {c, "_cell_length_c"}})
    if (value <= 0.0)
      fail_at(source, b.tag_line.at(key), std::string(key) + " must be positive, got " + std::to_string(value) + " Å");
  for (auto [value, key] : {std::pair{alpha, "_cell_angle_alpha"}, {beta, "_cell_angle_beta"}, {gamma, "_cell_angle_gamma"}})
    if (value <= 0.0 || value >= 180.0)
      fail_at(source, b.tag_line.at(key), std::string(key) + " must lie in (0, 180) degrees, got " + std::to_string(value));
  Lattice lattice;
  try {
    lattice = Lattice::from_parameters(a, bb, c, alpha, beta, gamma);
  } catch (const InputError& e) {
    fail_at(source, b.tag_line.at("_cell_length_a"), std::string("cell parameters: ") + e.what());
  }
  const std::vector<SymOp> ops = symmetry_operations(b, source);

  const auto& fx = b.items.at("_atom_site_fract_x");
  auto column = [&](const char* key) -> const std::vector<Token>* {
    const auto it = b.items.find(key);
    if (it == b.items.end()) return nullptr;
    if (it->second.size() != fx.size())
      fail_at(source, b.tag_line.at(key), std::string(key) + " has " + std::to_string(it->second.size()) +
                                              " values but _atom_site_fract_x has " + std::to_string(fx.size()));
    return &it->second;
  };
  const auto* fy = column("_atom_site_fract_y");
  const auto* fz = column("_atom_site_fract_z");
  if (!fy || !fz) fail_at(source, b.tag_line.at("_atom_site_fract_x"), "_atom_site_fract_y or _atom_site_fract_z is missing");
  const auto* labels = column("_atom_site_label");
  const auto* types = column("_atom_site_type_symbol");
  const auto* occupancies = column("_atom_site_occupancy");
  if (!labels && !types)
    fail_at(source, b.tag_line.at("_atom_site_fract_x"), "neither _atom_site_type_symbol nor _atom_site_label: no element");
  if (fx.empty()) fail_at(source, b.tag_line.at("_atom_site_fract_x"), "the _atom_site loop has no rows (no atoms)");

  std::vector<int> z;
  std::vector<Eigen::Vector3d> frac;
  std::vector<std::string> site_labels;
  for (std::size_t row = 0; row < fx.size(); ++row) {
    const std::size_t line = fx[row].line;
    const std::string label = labels ? (*labels)[row].text : (*types)[row].text;
    const std::string what = "atom site '" + label + "'";
    std::optional<int> zi;
    if (types && !is_missing((*types)[row])) {
      zi = element_from_symbol((*types)[row].text);
      if (!zi) fail_at(source, (*types)[row].line, what + ": unknown element '" + (*types)[row].text + "'");
    } else {
      zi = element_from_symbol(label);
      if (!zi) fail_at(source, line, what + ": unknown element (cannot derive one from the label '" + label + "')");
    }
    if (occupancies && !is_missing((*occupancies)[row])) {
      const double occ = cif_number((*occupancies)[row], source, what + " occupancy");
      if (std::abs(occ - 1.0) > kOccupancyTolerance)
        fail_at(source, (*occupancies)[row].line,
                what + " has occupancy " + (*occupancies)[row].text +
                    "; partial occupancy (disorder) is not supported: xasforge needs an ordered structure");
    }
    Eigen::Vector3d x;
    const std::vector<Token>* cols[3] = {&fx, fy, fz};
    for (int k = 0; k < 3; ++k) {
      const Token& t = (*cols[k])[row];
      if (is_missing(t)) fail_at(source, t.line, what + ": fractional coordinate is missing ('" + t.text + "')");
      x[k] = snap_thirds(cif_number(t, source, what + " fractional " + std::string(1, static_cast<char>('x' + k))));
    }
    std::vector<Eigen::Vector3d> orbit;
    for (const SymOp& op : ops) {
      Eigen::Vector3d y = op.rotation * x + op.translation;
      for (int k = 0; k < 3; ++k) y[k] -= std::floor(y[k]);
      if (std::none_of(orbit.begin(), orbit.end(), [&](const Eigen::Vector3d& o) { return same_position(o, y); }))
        orbit.push_back(y);
    }
    for (const auto& y : orbit) {
      z.push_back(*zi);
      frac.push_back(y);
      site_labels.push_back(label);
    }
  }
  Structure s = Structure::periodic(std::move(lattice), std::move(z), std::move(frac), std::move(site_labels));
  s.source = source;
  return s;
}

}  // namespace xasforge::structure
