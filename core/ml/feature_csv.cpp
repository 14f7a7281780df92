#include "core/ml/feature_csv.hpp"

#include <cstdlib>
#include <fstream>
#include <vector>

#include "core/error.hpp"

namespace xasforge::ml {
namespace {

/// Parses all fields of a line; false if any field is not a number.
bool parse_line(const std::string& line, std::vector<double>& out) {
  out.clear();
  const char* s = line.c_str();
  while (*s != '\0') {
    while (*s == ' ' || *s == '\t' || *s == ',' || *s == '\r') ++s;
    if (*s == '\0') break;
    char* end = nullptr;
    const double v = std::strtod(s, &end);
    if (end == s) return false;
    out.push_back(v);
    s = end;
    if (*s != '\0' && *s != ' ' && *s != '\t' && *s != ',' && *s != '\r') return false;
  }
  return true;
}

}  // namespace

FeatureMatrix read_feature_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open feature CSV");
  std::vector<std::vector<double>> rows;
  std::string line;
  std::vector<double> values;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#' || line.find_first_not_of(" \t\r,") == std::string::npos) continue;
    if (!parse_line(line, values)) {
      if (rows.empty() && line_no == 1) continue;  // header
      throw InputError(path + ":" + std::to_string(line_no) + ": expected numbers separated by commas");
    }
    if (!rows.empty() && values.size() != rows.front().size())
      throw InputError(path + ":" + std::to_string(line_no) + ": " + std::to_string(values.size()) + " values; expected " +
                       std::to_string(rows.front().size()) + " like the first row");
    rows.push_back(values);
  }
  if (rows.empty()) throw InputError(path + ": no feature rows");
  FeatureMatrix x(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.front().size()));
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < rows[i].size(); ++j) x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
  return x;
}

}  // namespace xasforge::ml
