#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "core/features/rdf.hpp"
#include "tests/core/features/model_structures.hpp"

using namespace xasforge;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

structure::Structure nacl(double a = 5.64) { return test::rocksalt(a); }

std::vector<double> grid(double lo, double hi, double step) {
  std::vector<double> g;
  for (int k = 0; lo + k * step <= hi + 1e-12; ++k) g.push_back(lo + k * step);
  return g;
}

}  // namespace

TEST_CASE("shell coordination numbers of rock salt", "[features][rdf]") {
  const double a = 5.64;
  const auto s = nacl(a);
  // Analytic shells: 6 Cl at a/2, 12 Na at a/√2, 8 Cl at a√3/2.
  const auto first = features::shell_coordination(s, 0, 0.0, 0.6 * a);
  CHECK(first.total == 6);
  CHECK(first.by_element.at(17) == 6);
  CHECK(first.by_element.count(11) == 0);
  const auto second = features::shell_coordination(s, 0, 0.6 * a, 0.8 * a);
  CHECK(second.total == 12);
  CHECK(second.by_element.at(11) == 12);
  const auto third = features::shell_coordination(s, 0, 0.8 * a, 0.9 * a);
  CHECK(third.total == 8);
}

TEST_CASE("RDF histogram counts and normalisation", "[features][rdf]") {
  const double a = 5.64;
  const auto s = nacl(a);
  const auto g = grid(0.05, 9.95, 0.1);
  const auto r = features::radial_distribution(s, 0, g, 0.0);
  // Integral of n(R) over the bins = number of neighbours within 10 Å (exact count).
  double total = 0.0, cl = 0.0;
  for (std::size_t k = 0; k < g.size(); ++k) {
    total += r.n_total_perA[k] * 0.1;
    cl += r.n_partial_perA.at(17)[k] * 0.1;
  }
  CHECK_THAT(total, WithinAbs(features::shell_coordination(s, 0, 0.0, 10.0).total, 1e-9));
  CHECK_THAT(cl, WithinAbs(features::shell_coordination(s, 0, 0.0, 10.0).by_element.at(17), 1e-9));
  // The first shell sits in one bin: n = 6/Δ there, and g = 6 / (ρ_Cl V_bin) for the Cl partial.
  const std::size_t k = static_cast<std::size_t>(std::floor((a / 2 - 0.0) / 0.1));
  CHECK_THAT(r.n_partial_perA.at(17)[k], WithinRel(60.0, 1e-12));
  const double rho_cl = 4.0 / (a * a * a);
  const double lo = g[k] - 0.05, hi = g[k] + 0.05;
  CHECK_THAT(r.g_partial.at(17)[k], WithinRel(6.0 / (rho_cl * 4.0 / 3.0 * M_PI * (hi * hi * hi - lo * lo * lo)), 1e-12));
  // Identity: ρ g = Σ_Z ρ_Z g_Z (the total is the density-weighted sum of the partials).
  for (std::size_t i = 0; i < g.size(); ++i)
    CHECK_THAT(8.0 * r.g_total[i], WithinAbs(4.0 * r.g_partial.at(11)[i] + 4.0 * r.g_partial.at(17)[i], 1e-9));
}

TEST_CASE("smeared RDF integrates to the shell counts and tends to 1", "[features][rdf]") {
  const double a = 5.64;
  const auto s = nacl(a);
  const auto g = grid(0.01, 25.0, 0.01);
  const auto r = features::radial_distribution(s, 0, g, 0.05);
  // ∫ n(R) dR across the first shell (±10σ) = 6; trapezoid on a 0.01 Å grid of a σ=0.05 Å
  // Gaussian is accurate to ~1e-10.
  double first = 0.0;
  for (std::size_t k = 1; k < g.size(); ++k)
    if (g[k] > a / 2 - 0.5 && g[k] <= a / 2 + 0.5) first += 0.5 * (r.n_total_perA[k] + r.n_total_perA[k - 1]) * 0.01;
  CHECK_THAT(first, WithinAbs(6.0, 1e-8));
  // Far out the average of g over 15..25 Å approaches 1 (a crystal has g → 1 on average); the
  // shell structure persists, so only a loose 5 % check.
  const auto wide = features::radial_distribution(s, 0, g, 0.5);
  double mean = 0.0;
  int count = 0;
  for (std::size_t k = 0; k < g.size(); ++k)
    if (g[k] >= 15.0) {
      mean += wide.g_total[k];
      ++count;
    }
  CHECK_THAT(mean / count, WithinAbs(1.0, 0.05));
}

TEST_CASE("RDF rejects bad requests", "[features][rdf]") {
  const auto s = nacl();
  CHECK_THROWS_WITH(features::radial_distribution(s, 8, {1.0, 2.0}), Catch::Contains("site 8 is out of range"));
  CHECK_THROWS_WITH(features::radial_distribution(s, 0, {0.0, 1.0}), Catch::Contains("> 0"));
  CHECK_THROWS_WITH(features::radial_distribution(s, 0, {2.0, 1.0}), Catch::Contains("strictly increasing"));
  CHECK_THROWS_WITH(features::radial_distribution(s, 0, {1.0, 2.0, 2.5}), Catch::Contains("uniform"));
  CHECK_THROWS_WITH(features::radial_distribution(s, 0, {1.0, 2.0}, -0.1), Catch::Contains("sigma"));
  CHECK_THROWS_WITH(features::shell_coordination(s, 0, 3.0, 2.0), Catch::Contains("r_min < r_max"));
  CHECK_THROWS_AS(features::shell_coordination(s, 9, 0.0, 2.0), InputError);
}
