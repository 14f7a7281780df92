#include "core/xafs/column_file.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/error.hpp"

namespace xasforge::xafs {

namespace {

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> words;
  std::string word;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word.push_back(c);
    }
  }
  if (!word.empty()) words.push_back(word);
  return words;
}

/// Characters that open a comment line. Larch's read_ascii accepts the same set (# ; % * ! $).
bool is_comment_mark(char c) { return c == '#' || c == ';' || c == '%' || c == '!' || c == '*' || c == '$'; }

/// All words of a line as numbers, or nothing if any word is not a number.
std::optional<std::vector<double>> parse_numbers(const std::string& line) {
  const std::string t = trim(line);
  if (t.empty() || is_comment_mark(t[0])) return std::nullopt;
  std::vector<double> values;
  for (const std::string& w : split_words(t)) {
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(w.c_str(), &end);
    if (end == w.c_str() || *end != '\0') return std::nullopt;
    values.push_back(v);
  }
  if (values.empty()) return std::nullopt;
  return values;
}

std::string strip_comment_mark(const std::string& line) {
  std::string t = trim(line);
  while (!t.empty() && is_comment_mark(t[0])) t = trim(t.substr(1));
  return t;
}

/// A label line as column names: SPEC-style "#L"/"#C" prefixes and comment marks removed, and
/// quote, tab and '@', '%', '&' characters read as separators (they are not part of names).
std::vector<std::string> label_words(const std::string& line) {
  std::string t = trim(line);
  for (const char* prefix : {"#L", "#C"})
    if (t.rfind(prefix, 0) == 0) t = t.substr(2);
  t = strip_comment_mark(t);
  for (char& c : t)
    if (c == '\t' || c == '"' || c == '\'' || c == '@' || c == '%' || c == '&') c = ' ';
  return split_words(t);
}

/// A line of dashes only ("-------", possibly after a comment mark): in XDAC (NSLS) and MRCAT
/// (APS 10-BM) files the line after it names the columns.
bool is_dash_line(const std::string& line) {
  const std::string t = strip_comment_mark(line);
  return t.size() >= 3 && std::all_of(t.begin(), t.end(), [](char c) { return c == '-'; });
}

}  // namespace

std::size_t ColumnFile::column_index(const std::string& name) const {
  const std::string key = lower(trim(name));
  if (key.size() > 3 && key.rfind("col", 0) == 0 &&
      std::all_of(key.begin() + 3, key.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    const auto n = static_cast<std::size_t>(std::stoul(key.substr(3)));
    if (n >= 1 && n <= columns.size()) return n - 1;
    throw InputError(path + ": column '" + name + "' does not exist; the file has " +
                     std::to_string(columns.size()) + " columns (col1..col" + std::to_string(columns.size()) + ")");
  }
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (lower(labels[i]) == key) return i;
  std::string known;
  for (std::size_t i = 0; i < labels.size(); ++i) known += (i ? ", " : "") + labels[i];
  throw InputError(path + ": no column named '" + name + "'; columns are: " + known + " (or col1..col" +
                   std::to_string(columns.size()) + ")");
}

bool ColumnFile::has_column(const std::string& name) const {
  try {
    (void)column_index(name);
    return true;
  } catch (const InputError&) {
    return false;
  }
}

ColumnFile read_column_file(const std::filesystem::path& file_path) {
  ColumnFile f;
  f.path = file_path.string();
  std::ifstream in(file_path, std::ios::binary);
  if (!in) throw InputError(f.path + ": cannot open the file");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    // Accept \r\n and lone \r line ends.
    std::stringstream pieces(line);
    std::string piece;
    bool any = false;
    while (std::getline(pieces, piece, '\r')) {
      lines.push_back(piece);
      any = true;
    }
    if (!any) lines.push_back("");
  }
  if (lines.empty()) throw InputError(f.path + ": the file is empty");

  // Data block: the last run of numeric lines (blank lines inside it are skipped), as Larch's
  // read_ascii finds it scanning from the end.
  std::size_t last = lines.size();
  while (last > 0 && !parse_numbers(lines[last - 1])) --last;
  if (last == 0)
    throw InputError(f.path + ":1-" + std::to_string(lines.size()) +
                     ": no numeric data: no line holds only numbers (expected whitespace-separated columns "
                     "after the header)");
  std::size_t first = last;
  while (first > 0 && (parse_numbers(lines[first - 1]) || trim(lines[first - 1]).empty())) --first;
  while (first < last && trim(lines[first]).empty()) ++first;

  std::size_t ncol = 0;
  for (std::size_t i = first; i < last; ++i) {
    if (trim(lines[i]).empty()) continue;
    const auto values = parse_numbers(lines[i]);
    if (ncol == 0) {
      ncol = values->size();
      f.columns.assign(ncol, {});
    }
    if (values->size() != ncol)
      throw InputError(f.path + ":" + std::to_string(i + 1) + ": " + std::to_string(values->size()) +
                       " values, but the first data row (line " + std::to_string(f.line_numbers.front()) +
                       ") has " + std::to_string(ncol));
    for (std::size_t c = 0; c < ncol; ++c) f.columns[c].push_back((*values)[c]);
    f.line_numbers.push_back(i + 1);
  }
  f.header.assign(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(first));

  // XDI header: version line, "Family.key: value" fields, "///" … "---" user comments.
  const std::string first_line = strip_comment_mark(lines[0]);
  f.is_xdi = first_line.rfind("XDI/", 0) == 0;
  if (f.is_xdi) {
    const std::string version = first_line.substr(4);
    f.xdi_version = version.substr(0, version.find_first_of(" \t"));
  }
  std::vector<std::string> xdi_labels(ncol);
  bool in_comments = false;
  for (std::size_t i = f.is_xdi ? 1 : 0; i < f.header.size(); ++i) {
    const std::string raw = trim(f.header[i]);
    const std::string text = strip_comment_mark(raw);
    if (text.rfind("///", 0) == 0) {
      in_comments = true;
      continue;
    }
    if (text.rfind("---", 0) == 0) {
      in_comments = false;
      continue;
    }
    if (in_comments) {
      f.comments.push_back(text);
      continue;
    }
    const std::size_t colon = text.find(':');
    const std::size_t equals = text.find('=');
    std::size_t sep = std::string::npos;
    if (colon != std::string::npos) sep = colon;
    else if (equals != std::string::npos) sep = equals;
    if (sep == std::string::npos) continue;
    const std::string key = trim(text.substr(0, sep));
    if (key.empty() || key.find_first_of(" \t") != std::string::npos) continue;
    const std::string value = trim(text.substr(sep + 1));
    f.fields[key] = value;
    if (f.is_xdi && lower(key).rfind("column.", 0) == 0) {
      const std::string index = key.substr(7);
      if (!index.empty() && std::all_of(index.begin(), index.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        const auto n = static_cast<std::size_t>(std::stoul(index));
        const auto words = split_words(value);
        if (n >= 1 && n <= ncol && !words.empty()) xdi_labels[n - 1] = words[0];
      }
    }
  }

  // Labels: XDI Column.N fields; otherwise the line after a dash line (XDAC, MRCAT) or the last
  // non-empty header line, when it names every column.
  f.labels.assign(ncol, "");
  if (f.is_xdi)
    for (std::size_t c = 0; c < ncol; ++c) f.labels[c] = xdi_labels[c];
  auto take_labels = [&](const std::string& text) {
    const auto words = label_words(text);
    if (words.size() != ncol || parse_numbers(text)) return false;
    for (std::size_t c = 0; c < ncol; ++c)
      if (f.labels[c].empty()) f.labels[c] = words[c];
    return true;
  };
  if (std::any_of(f.labels.begin(), f.labels.end(), [](const std::string& s) { return s.empty(); })) {
    bool done = false;
    for (std::size_t i = 0; !done && i + 1 < f.header.size(); ++i)
      if (is_dash_line(f.header[i])) {
        std::size_t j = i + 1;
        while (j < f.header.size() && trim(f.header[j]).empty()) ++j;
        if (j < f.header.size()) done = take_labels(f.header[j]);
      }
    for (std::size_t i = f.header.size(); !done && i-- > 0;) {
      if (strip_comment_mark(f.header[i]).empty()) continue;
      take_labels(f.header[i]);
      break;
    }
  }
  for (std::size_t c = 0; c < ncol; ++c)
    if (f.labels[c].empty()) f.labels[c] = "col" + std::to_string(c + 1);
  return f;
}

}  // namespace xasforge::xafs
