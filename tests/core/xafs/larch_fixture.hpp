#pragma once
// Reader for the Larch reference fixtures written by scripts/regen_xafs_reference.py:
// "# scalars" then name,value lines; "# block NAME N", a header line, N rows of comma-separated numbers.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace xasforge::test {

struct LarchFixture {
  std::map<std::string, double> scalars;
  std::map<std::string, std::map<std::string, std::vector<double>>> blocks;
  const std::vector<double>& column(const std::string& block, const std::string& name) const {
    return blocks.at(block).at(name);
  }
};

inline LarchFixture read_larch_fixture(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open fixture " + path.string());
  LarchFixture f;
  std::string line, block;
  std::vector<std::string> names;
  bool in_scalars = false;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) out.push_back(item);
    return out;
  };
  while (std::getline(in, line)) {
    if (line.rfind("# scalars", 0) == 0) {
      in_scalars = true;
      continue;
    }
    if (line.rfind("# block ", 0) == 0) {
      in_scalars = false;
      std::stringstream ss(line.substr(8));
      ss >> block;
      std::getline(in, line);
      names = split(line);
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    const auto items = split(line);
    if (in_scalars) {
      f.scalars[items.at(0)] = std::stod(items.at(1));
    } else if (!block.empty()) {
      for (std::size_t i = 0; i < names.size(); ++i) f.blocks[block][names[i]].push_back(std::stod(items.at(i)));
    }
  }
  return f;
}

/// Sum (a − b)² / Sum b² over the points where lo <= x <= hi, with a and b weighted by x^w.
inline double r_factor(const std::vector<double>& x, const std::vector<double>& a, const std::vector<double>& b,
                       double lo, double hi, double w = 0.0) {
  double num = 0.0, den = 0.0;
  for (std::size_t i = 0; i < x.size() && i < a.size() && i < b.size(); ++i) {
    if (x[i] < lo - 1e-9 || x[i] > hi + 1e-9) continue;
    const double s = w == 0.0 ? 1.0 : std::pow(x[i], w);
    num += (a[i] - b[i]) * (a[i] - b[i]) * s * s;
    den += b[i] * b[i] * s * s;
  }
  return num / den;
}

/// max_i |a_i − b_i| / max_i |b_i|: relative to the scale of the reference array, so that the
/// zeros of an oscillating function do not make a relative measure meaningless.
inline double max_scaled_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double num = 0.0, den = 0.0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    num = std::max(num, std::abs(a[i] - b[i]));
    den = std::max(den, std::abs(b[i]));
  }
  return den > 0 ? num / den : num;
}

}  // namespace xasforge::test
