// Reader of Athena project files (Demeter's Perl-data format: `$old_group = '...';`,
// `@args = (...);`, `@x = (...);`, `@y = (...);`, `[record]`), gzip-compressed or plain.
#include "core/xafs/athena_project.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string_view>

#include <zlib.h>

#include "core/error.hpp"

namespace xasforge::xafs {
namespace {

std::string read_maybe_gzipped(const std::filesystem::path& path) {
  if (!std::filesystem::is_regular_file(path)) throw InputError(path.string() + ": no such file");
  gzFile f = gzopen(path.c_str(), "rb");  // reads plain files unchanged
  if (!f) throw InputError(path.string() + ": cannot open");
  std::string text;
  char buffer[1 << 16];
  int n = 0;
  while ((n = gzread(f, buffer, sizeof buffer)) > 0) {
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > (std::size_t{1} << 30)) {
      gzclose(f);
      throw InputError(path.string() + ": larger than 1 GiB uncompressed; not an Athena project");
    }
  }
  int err = 0;
  const char* msg = gzerror(f, &err);
  const std::string reason = (n < 0 && msg) ? msg : "";
  gzclose(f);
  if (n < 0) throw InputError(path.string() + ": cannot decompress (" + reason + ")");
  return text;
}

std::string where(const std::filesystem::path& path, std::size_t line) {
  return path.string() + ":" + std::to_string(line);
}

// Items of a Perl list `(...)` after the `=`: single- or double-quoted strings or bare words.
std::vector<std::string> perl_list(std::string_view line, const std::filesystem::path& path, std::size_t lineno) {
  const auto open = line.find('(');
  const auto close = line.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    throw InputError(where(path, lineno) + ": expected a list in parentheses");
  std::vector<std::string> items;
  std::size_t i = open + 1;
  while (i < close) {
    while (i < close && (std::isspace(static_cast<unsigned char>(line[i])) || line[i] == ',')) ++i;
    if (i >= close) break;
    std::string item;
    if (line[i] == '\'' || line[i] == '"') {
      const char q = line[i++];
      while (i < close && line[i] != q) {
        if (line[i] == '\\' && i + 1 < close) ++i;
        item += line[i++];
      }
      if (i >= close) throw InputError(where(path, lineno) + ": unterminated quoted item in list");
      ++i;
    } else {
      while (i < close && line[i] != ',' && !std::isspace(static_cast<unsigned char>(line[i]))) item += line[i++];
    }
    items.push_back(std::move(item));
  }
  return items;
}

std::vector<double> numbers(const std::vector<std::string>& items, const std::string& key,
                            const std::filesystem::path& path, std::size_t lineno) {
  std::vector<double> v;
  v.reserve(items.size());
  for (std::size_t j = 0; j < items.size(); ++j) {
    const char* s = items[j].c_str();
    char* end = nullptr;
    errno = 0;
    const double x = std::strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE)
      throw InputError(where(path, lineno) + ": @" + key + " item " + std::to_string(j + 1) + " ('" + items[j] +
                       "') is not a number");
    v.push_back(x);
  }
  return v;
}

}  // namespace

bool is_athena_project(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".prj";
}

std::vector<AthenaGroup> read_athena_project(const std::filesystem::path& path) {
  const std::string text = read_maybe_gzipped(path);
  std::vector<AthenaGroup> groups;
  AthenaGroup current;
  bool open = false, have_x = false, have_y = false;
  std::size_t lineno = 0, pos = 0;
  auto finish = [&](std::size_t at) {
    if (!open) return;
    if (!have_x || !have_y)
      throw InputError(where(path, current.line) + ": record '" + current.name + "' has no " + (have_x ? "@y" : "@x") +
                       " array (energy and mu)");
    if (current.energy_eV.size() != current.mu.size())
      throw InputError(where(path, at) + ": record '" + current.name + "' has " + std::to_string(current.energy_eV.size()) +
                       " energies but " + std::to_string(current.mu.size()) + " mu values");
    if (current.label.empty()) current.label = current.name;
    groups.push_back(std::move(current));
    current = AthenaGroup{};
    open = have_x = have_y = false;
  };
  while (pos <= text.size()) {
    const auto nl = text.find('\n', pos);
    std::string_view line(text.data() + pos, (nl == std::string::npos ? text.size() : nl) - pos);
    pos = (nl == std::string::npos) ? text.size() + 1 : nl + 1;
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (lineno == 1) {
      if (line.find("Athena project file") == std::string_view::npos)
        throw InputError(where(path, 1) + ": not an Athena project file (the first line does not say "
                         "'Athena project file'; JSON-format projects are not read)");
      continue;
    }
    std::size_t b = 0;
    while (b < line.size() && std::isspace(static_cast<unsigned char>(line[b]))) ++b;
    line.remove_prefix(b);
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("$old_group")) {
      finish(lineno);
      const auto q1 = line.find('\'');
      const auto q2 = line.rfind('\'');
      if (q1 == std::string_view::npos || q2 <= q1)
        throw InputError(where(path, lineno) + ": expected $old_group = 'name';");
      current.name = std::string(line.substr(q1 + 1, q2 - q1 - 1));
      current.line = lineno;
      open = true;
    } else if (line.starts_with("[record]")) {
      finish(lineno);
    } else if (line.starts_with("@args") && open) {
      const auto items = perl_list(line, path, lineno);
      for (std::size_t j = 0; j + 1 < items.size(); j += 2)
        if (items[j] == "label") current.label = items[j + 1];
    } else if ((line.starts_with("@x ") || line.starts_with("@x=")) && open) {
      current.energy_eV = numbers(perl_list(line, path, lineno), "x", path, lineno);
      have_x = true;
    } else if ((line.starts_with("@y ") || line.starts_with("@y=")) && open) {
      current.mu = numbers(perl_list(line, path, lineno), "y", path, lineno);
      have_y = true;
    }
  }
  finish(lineno);
  if (groups.empty()) throw InputError(path.string() + ": the Athena project holds no record ($old_group ... [record])");
  return groups;
}

}  // namespace xasforge::xafs
