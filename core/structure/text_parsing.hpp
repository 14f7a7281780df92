#pragma once
/// Small text helpers shared by the structure readers (internal to core/structure). Every failure
/// is an InputError that names "<source>:<line>" so the user can find the offending text.
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace xasforge::structure::detail {

/// "<source>:<line>: <what>" as an InputError.
[[noreturn]] inline void fail_at(const std::string& source, std::size_t line, const std::string& what) {
  throw InputError(source + ":" + std::to_string(line) + ": " + what);
}

/// The text split into lines (without '\n' or a trailing '\r').
inline std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == text.size()) break;
    start = end + 1;
  }
  // A final newline does not start another line.
  if (!lines.empty() && lines.back().empty() && !text.empty() && text.back() == '\n') lines.pop_back();
  return lines;
}

/// Whitespace-separated tokens of one line.
inline std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    const std::size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

inline std::string trim(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

inline std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// A whole token as a double (strtod syntax, also "nan"/"inf", which the caller rejects), or
/// nullopt if the token is not entirely a number. Fortran "1.0D+00" exponents are accepted.
inline std::optional<double> to_double(std::string_view token) {
  if (token.empty() || token.size() > 64) return std::nullopt;
  std::string s(token);
  for (char& c : s)
    if (c == 'd' || c == 'D') c = 'e';
  const char* begin = s.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (end == begin || *end != '\0') return std::nullopt;
  return v;
}

/// A finite number from a token, or an InputError naming line and what the number is.
inline double finite_number(std::string_view token, const std::string& source, std::size_t line,
                            const std::string& what) {
  const auto v = to_double(token);
  if (!v) fail_at(source, line, what + ": expected a number, got '" + std::string(token) + "'");
  if (!std::isfinite(*v)) fail_at(source, line, what + " is not finite ('" + std::string(token) + "')");
  return *v;
}

/// A non-negative integer token (counts), or nullopt.
inline std::optional<long> to_count(std::string_view token) {
  if (token.empty() || token.size() > 12) return std::nullopt;
  long n = 0;
  for (char c : token) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace xasforge::structure::detail
