#include "core/structure/structure.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <sstream>

#include "core/elements/element.hpp"
#include "core/error.hpp"

namespace xasforge::structure {
namespace {

std::vector<std::string> default_labels(const std::vector<int>& z, std::vector<std::string> labels) {
  if (labels.empty()) {
    labels.reserve(z.size());
    for (int zi : z) labels.emplace_back(elements::element(zi).symbol);
  }
  if (labels.size() != z.size()) throw InputError("structure: number of labels differs from number of sites");
  return labels;
}

void check_species(const std::vector<int>& z) {
  for (std::size_t i = 0; i < z.size(); ++i) elements::element(z[i]);  // throws for Z out of 1..96
}

std::string format_count(double count) {
  std::ostringstream s;
  if (std::abs(count - std::round(count)) < 1e-8) {
    const long n = std::lround(count);
    if (n != 1) s << n;
  } else {
    s << count;
  }
  return s.str();
}

// Element order of pymatgen's Composition.formula / reduced_formula: by Pauling
// electronegativity, ties (and undefined values) by symbol.
std::vector<std::pair<int, long>> ordered_counts(const std::vector<Site>& sites) {
  std::map<int, long> counts;
  for (const Site& s : sites) ++counts[s.z];
  std::vector<std::pair<int, long>> out(counts.begin(), counts.end());
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const auto& ea = elements::element(a.first);
    const auto& eb = elements::element(b.first);
    const double xa = std::isnan(ea.electronegativity) ? 1e9 : ea.electronegativity;
    const double xb = std::isnan(eb.electronegativity) ? 1e9 : eb.electronegativity;
    if (xa != xb) return xa < xb;
    return ea.symbol < eb.symbol;
  });
  return out;
}

}  // namespace

Structure Structure::periodic(Lattice lattice, std::vector<int> z, std::vector<Eigen::Vector3d> fractional,
                              std::vector<std::string> labels) {
  if (z.size() != fractional.size()) throw InputError("structure: species and coordinates differ in length");
  check_species(z);
  labels = default_labels(z, std::move(labels));
  Structure s;
  s.sites_.reserve(z.size());
  for (std::size_t i = 0; i < z.size(); ++i) {
    if (!fractional[i].allFinite())
      throw InputError("site " + std::to_string(i) + ": non-finite coordinate (NaN or inf)");
    s.sites_.push_back(Site{z[i], lattice.to_cartesian_A(fractional[i]), fractional[i], labels[i]});
  }
  s.lattice_ = std::move(lattice);
  return s;
}

Structure Structure::cluster(std::vector<int> z, std::vector<Eigen::Vector3d> cartesian_A,
                             std::vector<std::string> labels) {
  if (z.size() != cartesian_A.size()) throw InputError("structure: species and coordinates differ in length");
  check_species(z);
  labels = default_labels(z, std::move(labels));
  Structure s;
  s.sites_.reserve(z.size());
  for (std::size_t i = 0; i < z.size(); ++i) {
    if (!cartesian_A[i].allFinite())
      throw InputError("site " + std::to_string(i) + ": non-finite coordinate (NaN or inf)");
    s.sites_.push_back(Site{z[i], cartesian_A[i], cartesian_A[i], labels[i]});
  }
  return s;
}

const Lattice& Structure::lattice() const {
  if (!lattice_) throw InputError("structure '" + name + "' is a cluster and has no lattice");
  return *lattice_;
}

std::vector<int> Structure::species() const {
  std::vector<int> z;
  for (const Site& s : sites_) z.push_back(s.z);
  std::sort(z.begin(), z.end());
  z.erase(std::unique(z.begin(), z.end()), z.end());
  return z;
}

std::string Structure::formula() const {
  std::string out;
  for (const auto& [z, n] : ordered_counts(sites_)) {
    if (!out.empty()) out += ' ';
    out += std::string(elements::element(z).symbol) + std::to_string(n);
  }
  return out;
}

std::string Structure::reduced_formula() const {
  const auto counts = ordered_counts(sites_);
  long g = 0;
  for (const auto& c : counts) g = std::gcd(g, c.second);
  std::string out;
  for (const auto& [z, n] : counts)
    out += std::string(elements::element(z).symbol) + format_count(static_cast<double>(n / g));
  return out;
}

}  // namespace xasforge::structure
