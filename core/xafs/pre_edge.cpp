#include "core/xafs/pre_edge.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.hpp"
#include "core/xafs/larch_conventions.hpp"
#include "core/xafs/polynomial_fit.hpp"

namespace xasforge::xafs {

namespace {

constexpr int kMaxNnorm = 5;

// Python's round() rounds halves to even, as nearbyint does in the default rounding mode.
double py_round(double v) { return std::nearbyint(v); }

std::vector<double> slice(const std::vector<double>& a, std::size_t from, std::size_t to) {
  to = std::min(to, a.size());
  from = std::min(from, to);
  return {a.begin() + static_cast<std::ptrdiff_t>(from), a.begin() + static_cast<std::ptrdiff_t>(to)};
}

// Fit window [index_of(E0 + lo), index_nearest(E0 + hi)), widened to 2 points as Larch does.
std::pair<std::size_t, std::size_t> fit_window(const std::vector<double>& energy, double e0, double lo,
                                               double hi) {
  const std::size_t p1 = index_of(energy, lo + e0);
  std::size_t p2 = index_nearest(energy, hi + e0);
  if (p2 < p1 + 2) p2 = std::min(energy.size(), p1 + 2);
  return {p1, p2};
}

}  // namespace

double find_e0(const std::vector<double>& energy, const std::vector<double>& mu) {
  const std::size_t n = energy.size();
  const std::vector<double> dmu_num = gradient(mu);
  const std::vector<double> de = gradient(energy);
  std::vector<double> dmu(n);
  for (std::size_t i = 0; i < n; ++i) {
    dmu[i] = dmu_num[i] / de[i];
    if (!std::isfinite(dmu[i])) dmu[i] = -1.0;
  }
  const std::size_t nmin = std::max<std::size_t>(3, static_cast<std::size_t>(static_cast<double>(n) * 0.05));
  if (n <= 2 * nmin) throw InputError("find_e0: " + std::to_string(n) + " points are too few to locate an edge");
  double maxdmu = -INFINITY;
  for (std::size_t i = nmin; i < n - nmin; ++i) maxdmu = std::max(maxdmu, dmu[i]);
  std::vector<char> high(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) high[i] = dmu[i] > maxdmu * 0.1 ? 1 : 0;
  std::size_t best = 0;
  double best_dmu = 0.0;
  bool found = false;
  for (std::size_t i = 1; i < n; ++i) {
    if (!high[i] || i < nmin || i > n - nmin) continue;
    if (dmu[i] > best_dmu && high[i + 1] && high[i - 1]) {
      best = i;
      best_dmu = dmu[i];
      found = true;
    }
  }
  if (!found)
    throw PhysicsError("no absorption edge found: mu(E) has no rising point with rising neighbours "
                       "(max dmu/dE = " + std::to_string(maxdmu) + ")");
  return energy[best];
}

PreEdgeResult pre_edge(const std::vector<double>& energy_in, const std::vector<double>& mu,
                       const PreEdgeOptions& options) {
  if (energy_in.size() != mu.size())
    throw InputError("pre_edge: energy has " + std::to_string(energy_in.size()) + " points but mu has " +
                     std::to_string(mu.size()));
  if (energy_in.size() < 10)
    throw InputError("pre_edge: " + std::to_string(energy_in.size()) + " points; at least 10 are needed");
  const std::vector<double> energy = remove_duplicates(energy_in);
  const std::size_t n = energy.size();
  const double emin = *std::min_element(energy.begin(), energy.end());
  const double emax = *std::max_element(energy.begin(), energy.end());

  double e0 = 0.0;
  if (!options.e0_eV || *options.e0_eV < energy[1] || *options.e0_eV > energy[n - 2])
    e0 = find_e0(energy, mu);
  else
    e0 = *options.e0_eV;
  const std::size_t ie0 = index_nearest(energy, e0);
  e0 = energy[ie0];

  PreEdgeResult r;
  double pre1 = 0.0;
  if (options.pre1_eV)
    pre1 = *options.pre1_eV;
  else
    pre1 = ie0 > 20 ? 5.0 * py_round((energy[1] - e0) / 5.0) : 2.0 * py_round((energy[1] - e0) / 2.0);
  pre1 = std::max(pre1, emin - e0);
  double pre2 = options.pre2_eV ? *options.pre2_eV : 5.0 * py_round(pre1 / 15.0);
  if (pre1 > pre2) std::swap(pre1, pre2);

  double norm2 = options.norm2_eV ? *options.norm2_eV : 5.0 * py_round((emax - e0) / 5.0);
  if (norm2 < 0) norm2 = emax - e0 - norm2;
  norm2 = std::min(norm2, emax - e0);
  double norm1 = options.norm1_eV ? *options.norm1_eV : std::min(150.0, 5.0 * py_round(norm2 / 15.0));
  if (norm1 > norm2) std::swap(norm1, norm2);
  int nnorm = 0;
  if (options.nnorm) {
    nnorm = *options.nnorm;
  } else {
    nnorm = 2;
    if (norm2 - norm1 < 350) nnorm = 1;
    if (norm2 - norm1 < 50) nnorm = 0;
  }
  nnorm = std::max(std::min(nnorm, kMaxNnorm), 0);

  // Pre-edge line through mu·E^nvict.
  auto [q1, q2] = fit_window(energy, e0, pre1, pre2);
  std::vector<double> omu(n);
  for (std::size_t i = 0; i < n; ++i) omu[i] = options.nvict == 0.0 ? mu[i] : mu[i] * std::pow(energy[i], options.nvict);
  const PolynomialFit pre_line(slice(energy, q1, q2), slice(omu, q1, q2), {0, 1});
  r.pre_edge.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    r.pre_edge[i] = options.nvict == 0.0 ? pre_line(energy[i]) : pre_line(energy[i]) * std::pow(energy[i], -options.nvict);

  // Post-edge polynomial of degree nnorm through mu − pre_edge.
  auto [p1, p2] = fit_window(energy, e0, norm1, norm2);
  std::vector<double> presub(n);
  for (std::size_t i = 0; i < n; ++i) presub[i] = mu[i] - r.pre_edge[i];
  std::vector<int> powers;
  for (int p = 0; p <= nnorm; ++p) powers.push_back(p);
  const PolynomialFit post_poly(slice(energy, p1, p2), slice(presub, p1, p2), powers);
  r.post_edge.resize(n);
  for (std::size_t i = 0; i < n; ++i) r.post_edge[i] = r.pre_edge[i] + post_poly(energy[i]);

  double step = options.edge_step ? *options.edge_step : r.post_edge[ie0] - r.pre_edge[ie0];
  step = std::abs(step);
  if (!(step > 0) || !std::isfinite(step))
    throw PhysicsError("pre_edge: edge step is " + std::to_string(step) + " at E0 = " + std::to_string(e0) +
                       " eV; mu(E) has no measurable edge");
  r.norm.resize(n);
  for (std::size_t i = 0; i < n; ++i) r.norm[i] = (mu[i] - r.pre_edge[i]) / step;

  // Flattening uses the energies as given (Larch's pre_edge() does not de-duplicate here).
  r.flat = r.norm;
  const std::size_t ie0_in = index_nearest(energy_in, e0);
  auto [f1, f2] = fit_window(energy_in, e0, norm1, norm2);
  if (options.make_flat && f2 > f1 + 4) {
    std::vector<int> flat_powers{0};
    if (nnorm + 1 > 1) flat_powers.push_back(1);
    if (nnorm + 1 > 2) flat_powers.push_back(2);
    const PolynomialFit flat_fit(slice(energy_in, f1, f2), slice(r.norm, f1, f2), flat_powers);
    const double at_e0 = flat_fit(energy_in[ie0_in]);
    for (std::size_t i = ie0_in; i < n; ++i) r.flat[i] = r.norm[i] - (flat_fit(energy_in[i]) - at_e0);
  }

  r.e0_eV = e0;
  r.ie0 = ie0;
  r.edge_step = step;
  r.pre1_eV = pre1;
  r.pre2_eV = pre2;
  r.norm1_eV = norm1;
  r.norm2_eV = norm2;
  r.nnorm = nnorm;
  return r;
}

}  // namespace xasforge::xafs
