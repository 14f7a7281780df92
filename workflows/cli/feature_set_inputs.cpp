#include "workflows/cli/feature_set_inputs.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/xafs/measured_spectrum.hpp"
#include "core/xafs/reduction.hpp"

namespace xasforge::cli {
namespace {

bool ends_with(const std::string& s, const std::string& e) {
  return s.size() >= e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> tokens(const std::string& line) {
  std::string t = line;
  std::replace(t.begin(), t.end(), ',', ' ');
  std::replace(t.begin(), t.end(), '\t', ' ');
  std::stringstream in(t);
  std::vector<std::string> out;
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

bool parse_double(const std::string& s, double& v) {
  char* end = nullptr;
  v = std::strtod(s.c_str(), &end);
  return end != s.c_str() && *end == '\0';
}

ml::FeatureMatrix as_row(const std::vector<double>& v) {
  ml::FeatureMatrix x(1, static_cast<Eigen::Index>(v.size()));
  for (std::size_t j = 0; j < v.size(); ++j) x(0, static_cast<Eigen::Index>(j)) = v[j];
  return x;
}

}  // namespace

void apply_feature_set(ml::Dataset& data, const xafs::FeatureSetSpec& spec) {
  xafs::check_feature_set(spec);
  if (data.feature_grid.size() != data.n_features())
    throw InputError(data.source + ": a feature set needs chi(k) rows with their k grid (/spectra/chi on /spectra/k)");
  const std::vector<double> k = data.feature_grid;
  const std::size_t p = xafs::feature_set_size(spec);
  ml::FeatureMatrix out(static_cast<Eigen::Index>(data.rows()), static_cast<Eigen::Index>(p));
  std::vector<double> chi(k.size());
  for (std::size_t i = 0; i < data.rows(); ++i) {
    const auto row = data.features.row(static_cast<Eigen::Index>(i));
    std::copy(row.data(), row.data() + row.size(), chi.begin());
    const long item = data.item_index.empty() ? static_cast<long>(i) : data.item_index[i];
    const auto v = xafs::compute_feature_set(spec, k, chi, data.source + ": item " + std::to_string(item));
    for (std::size_t j = 0; j < p; ++j) out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = v[j];
  }
  data.features = std::move(out);
  data.feature_grid = xafs::feature_set_abscissae(spec);
}

bool is_chi_k_file(const std::string& path) {
  const std::string name = lower(std::filesystem::path(path).filename().string());
  if (ends_with(name, "chi.dat") || ends_with(name, ".chi") || ends_with(name, ".chik")) return true;
  if (!ends_with(name, ".csv")) return false;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto t = tokens(lower(line));
    return t.size() >= 2 && t[0] == "k" && t[1] == "chi";
  }
  return false;
}

void read_chi_k_file(const std::string& path, std::vector<double>& k, std::vector<double>& chi) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open chi(k) file");
  k.clear();
  chi.clear();
  std::string line;
  std::size_t number = 0;
  bool header_seen = false;
  while (std::getline(in, line)) {
    ++number;
    const auto t = tokens(line);
    if (t.empty() || t[0][0] == '#') continue;
    double a, b;
    if (t.size() < 2 || !parse_double(t[0], a) || !parse_double(t[1], b)) {
      if (!header_seen && k.empty()) {
        header_seen = true;  // one column-label line before the data
        continue;
      }
      throw InputError(path + ":" + std::to_string(number) + ": expected two numbers k, chi, got '" + line + "'");
    }
    if (!k.empty() && !(a > k.back()))
      throw InputError(path + ":" + std::to_string(number) + ": k = " + t[0] + " does not increase");
    k.push_back(a);
    chi.push_back(b);
  }
  if (k.size() < 4) throw InputError(path + ": fewer than 4 (k, chi) rows");
}

ml::FeatureMatrix feature_set_row_from_chi_file(const std::string& path, const xafs::FeatureSetSpec& spec) {
  std::vector<double> k, chi;
  read_chi_k_file(path, k, chi);
  return as_row(xafs::compute_feature_set(spec, k, chi, path));
}

ml::FeatureMatrix feature_set_row_from_measured(const std::string& path, const xafs::FeatureSetSpec& spec) {
  const auto spectrum = xafs::load_measured_spectrum(path);
  const auto reduced = xafs::reduce_spectrum(spectrum);  // pre-edge and AUTOBK as `xasforge reduce`
  return as_row(xafs::compute_feature_set(spec, reduced.autobk.k_invA, reduced.autobk.chi, path));
}

}  // namespace xasforge::cli
