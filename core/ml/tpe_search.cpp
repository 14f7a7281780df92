#include "core/ml/tpe_search.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <sstream>

#include "core/error.hpp"
#include "core/ml/cross_validation.hpp"
#include "core/ml/random_stream.hpp"

namespace xasforge::ml {
namespace {

double to_unit(const SearchDimension& d, double x) {
  return d.log ? (std::log(x) - std::log(d.low)) / (std::log(d.high) - std::log(d.low)) : (x - d.low) / (d.high - d.low);
}

double from_unit(const SearchDimension& d, double u) {
  u = std::clamp(u, 0.0, 1.0);
  double x = d.log ? std::exp(std::log(d.low) + u * (std::log(d.high) - std::log(d.low))) : d.low + u * (d.high - d.low);
  if (d.integer) x = std::round(x);
  return std::clamp(x, d.low, d.high);
}

/// A Parzen estimator on [0, 1]: Gaussians at the points plus a broad prior component
/// (Bergstra et al. 2011, §4: the prior keeps every region possible), truncated to [0, 1].
struct Parzen {
  std::vector<double> mu;
  double h = 0.2;
  static constexpr double kPriorMu = 0.5, kPriorSigma = 1.0;

  explicit Parzen(std::vector<double> points) : mu(std::move(points)) {
    // Scott's rule on the points, bounded so that one point neither collapses nor floods.
    const double m = static_cast<double>(mu.size());
    double mean = std::accumulate(mu.begin(), mu.end(), 0.0) / m, var = 0.0;
    for (double v : mu) var += (v - mean) * (v - mean);
    const double sd = mu.size() > 1 ? std::sqrt(var / (m - 1)) : 0.5;
    h = std::clamp(1.06 * sd * std::pow(m, -0.2), 0.03, 0.5);
  }
  static double truncated_pdf(double x, double centre, double sigma) {
    const double z = (x - centre) / sigma;
    const double mass = 0.5 * (std::erf((1.0 - centre) / (sigma * std::sqrt(2.0))) - std::erf((0.0 - centre) / (sigma * std::sqrt(2.0))));
    return std::exp(-0.5 * z * z) / (sigma * std::sqrt(2.0 * 3.141592653589793)) / std::max(mass, 1e-300);
  }
  double density(double x) const {
    double p = truncated_pdf(x, kPriorMu, kPriorSigma);
    for (double c : mu) p += truncated_pdf(x, c, h);
    return p / static_cast<double>(mu.size() + 1);
  }
  double sample(RandomStream& random) const {
    const std::size_t j = random.uniform_index(mu.size() + 1);
    const double centre = j == mu.size() ? kPriorMu : mu[j], sigma = j == mu.size() ? kPriorSigma : h;
    for (int tries = 0; tries < 64; ++tries) {
      const double x = centre + sigma * random.normal();
      if (x >= 0.0 && x <= 1.0) return x;
    }
    return std::clamp(centre, 0.0, 1.0);
  }
};

std::string number_text(const SearchDimension& d, double v) {
  char buf[64];
  if (d.integer) std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(std::llround(v)));
  else std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

std::vector<SearchDimension> parse_search_space(std::string_view spec) {
  std::vector<SearchDimension> space;
  std::stringstream in{std::string(spec)};
  std::string part;
  while (std::getline(in, part, ';')) {
    part.erase(std::remove(part.begin(), part.end(), ' '), part.end());
    if (part.empty()) continue;
    const auto eq = part.find('=');
    if (eq == std::string::npos || eq == 0) throw InputError("search space: '" + part + "' is not key=[log:|int:|logint:]low:high");
    SearchDimension d;
    d.key = part.substr(0, eq);
    std::string range = part.substr(eq + 1);
    for (const char* kind : {"logint:", "log:", "int:"}) {
      const std::string k(kind);
      if (range.rfind(k, 0) == 0) {
        d.log = k.find("log") != std::string::npos;
        d.integer = k.find("int") != std::string::npos;
        range = range.substr(k.size());
        break;
      }
    }
    const auto colon = range.find(':');
    try {
      if (colon == std::string::npos) throw std::invalid_argument("");
      std::size_t used = 0;
      d.low = std::stod(range.substr(0, colon), &used);
      if (used != colon) throw std::invalid_argument("");
      d.high = std::stod(range.substr(colon + 1), &used);
      if (used != range.size() - colon - 1) throw std::invalid_argument("");
    } catch (const std::exception&) {
      throw InputError("search space: '" + part + "': the range must be low:high numbers");
    }
    if (!(d.high > d.low) || (d.log && !(d.low > 0)))
      throw InputError("search space: '" + part + "': need low < high (and low > 0 for log)");
    // The key must be one expand_grid knows: try it at the low end.
    (void)expand_grid(TrainingOptions{}, d.key + "=" + number_text(d, d.low));
    space.push_back(d);
  }
  if (space.empty()) throw InputError("search space: '" + std::string(spec) + "' names no dimension");
  return space;
}

std::vector<double> tpe_propose(const std::vector<SearchDimension>& space, const std::vector<Trial>& history,
                                std::size_t index, const TpeOptions& o) {
  RandomStream random(o.seed, 0x7470650000000000ULL + index);  // "tpe", trial index
  std::vector<double> out(space.size());
  if (history.size() < std::max<std::size_t>(2, o.startup_trials)) {
    for (std::size_t d = 0; d < space.size(); ++d) out[d] = from_unit(space[d], random.uniform01());
    return out;
  }
  // Split the finished trials into the best ceil(γ n) (l) and the rest (g); ties keep trial order.
  std::vector<std::size_t> order(history.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return history[a].score > history[b].score; });
  const auto n_good = std::clamp<std::size_t>(static_cast<std::size_t>(std::ceil(o.gamma * static_cast<double>(history.size()))), 1,
                                              history.size() - 1);
  std::vector<Parzen> good, bad;
  for (std::size_t d = 0; d < space.size(); ++d) {
    std::vector<double> g, b;
    for (std::size_t i = 0; i < order.size(); ++i)
      (i < n_good ? g : b).push_back(to_unit(space[d], history[order[i]].values[d]));
    good.emplace_back(std::move(g));
    bad.emplace_back(std::move(b));
  }
  // Candidates from l(x); keep the one with the largest l(x)/g(x) (Bergstra et al., eq. 3–4).
  double best = -std::numeric_limits<double>::infinity();
  std::vector<double> u(space.size());
  for (std::size_t c = 0; c < std::max<std::size_t>(1, o.candidates); ++c) {
    double ratio = 0.0;
    for (std::size_t d = 0; d < space.size(); ++d) {
      u[d] = good[d].sample(random);
      ratio += std::log(good[d].density(u[d])) - std::log(bad[d].density(u[d]));
    }
    if (ratio > best) {
      best = ratio;
      for (std::size_t d = 0; d < space.size(); ++d) out[d] = from_unit(space[d], u[d]);
    }
  }
  return out;
}

TrainingOptions apply_trial(const TrainingOptions& base, const std::vector<SearchDimension>& space,
                            const std::vector<double>& values) {
  return expand_grid(base, describe_trial(space, values)).front();
}

std::string describe_trial(const std::vector<SearchDimension>& space, const std::vector<double>& values) {
  std::string s;
  for (std::size_t d = 0; d < space.size(); ++d) s += (d ? ";" : "") + space[d].key + "=" + number_text(space[d], values[d]);
  return s;
}

}  // namespace xasforge::ml
