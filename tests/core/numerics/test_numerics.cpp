// The one random module and the shared numerics (docs/physics.md §10–11, (E1.3)).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "core/numerics/numerics.hpp"
#include "core/numerics/random.hpp"
#include "core/units.hpp"

using namespace xasforge;

TEST_CASE("random: known answers from an independent implementation", "[numerics][random]") {
  // Values printed by scripts/regen_random_reference.py, a Python implementation of the published
  // algorithms that first reproduces the xoshiro256** authors' reference sequence for {1,2,3,4}.
  CHECK(random::mix64(0) == 0xe220a8397b1dcdafULL);  // SplitMix64's first output from state 0
  CHECK(random::mix_seed(5, 17) == 0x046b1664f61a205eULL);
  random::Stream a(7, 11);
  CHECK(a.next() == 0x30a20e26212839b4ULL);
  CHECK(a.next() == 0x191fc6c1899b80c2ULL);
  CHECK(a.next() == 0xac79fe8f7be2371cULL);
  CHECK(a.next() == 0x1f516483bf6d12dbULL);
  random::Stream b(7, "md.velocities");
  CHECK(b.next() == 0x5c3242bd9043da61ULL);
  CHECK(b.next() == 0x5540e2436099bf3eULL);
}

TEST_CASE("random: streams are keyed, not shared", "[numerics][random]") {
  random::Stream a(5, "x"), b(5, "x"), c(5, "y"), d(6, "x");
  const double va = a.uniform();
  CHECK(va == b.uniform());
  CHECK(va != c.uniform());
  CHECK(va != d.uniform());
  CHECK(random::mix_seed(5, "mp-30/0") != random::mix_seed(5, "mp-30/1"));
  CHECK(random::mix_seed(5, "mp-30/0") == random::mix_seed(5, random::fnv1a64("mp-30/0")));
}

TEST_CASE("random: distribution moments", "[numerics][random]") {
  // n = 200000 draws: the standard error of a mean is σ/√n; every bound below is 5 standard
  // errors, so a correct sampler fails with probability < 1e-6 per check (and the streams are
  // fixed, so the outcome is deterministic anyway).
  const int n = 200000;
  random::Stream r(42, "test.moments");
  double s1 = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = r.normal();
    s1 += x;
    s2 += x * x;
  }
  CHECK(std::abs(s1 / n) < 5 / std::sqrt(n));
  CHECK(std::abs(s2 / n - 1.0) < 5 * std::sqrt(2.0 / n));  // Var(x²) = 2

  for (double shape : {0.5, 2.5, 40.0}) {
    double g1 = 0, g2 = 0;
    for (int i = 0; i < n; ++i) {
      const double x = r.gamma(shape);
      REQUIRE(x >= 0.0);
      g1 += x;
      g2 += x * x;
    }
    const double mean = g1 / n, var = g2 / n - mean * mean;
    INFO("shape " << shape << " mean " << mean << " var " << var);
    CHECK(std::abs(mean - shape) < 5 * std::sqrt(shape / n));  // Gamma(a): mean a, variance a
    // Var of the sample variance ≈ (μ4 − a²)/n with μ4 = 3a² + 6a for Gamma(a).
    CHECK(std::abs(var - shape) < 5 * std::sqrt((2 * shape * shape + 6 * shape) / n));
  }

  // index(n): every value of [0, 7) equally likely (χ² with 6 degrees of freedom < 30 has
  // probability 1 − 3e-5).
  std::vector<int> count(7, 0);
  for (int i = 0; i < 70000; ++i) ++count[r.index(7)];
  double chi2 = 0;
  for (int c : count) chi2 += (c - 10000.0) * (c - 10000.0) / 10000.0;
  CHECK(chi2 < 30.0);
  for (int i = 0; i < 1000; ++i) {
    const double u = r.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    REQUIRE(r.in_ball(0.3).norm() <= 0.3);
  }
}

TEST_CASE("numerics: linear interpolation is numpy.interp", "[numerics]") {
  const std::vector<double> x{0.0, 1.0, 2.5, 4.0}, y{1.0, 3.0, -2.0, 0.5};
  // numpy.interp([−1, 0, 0.25, 1, 2, 4, 5], x, y) = [1, 1, 1.5, 3, −1/3, 0.5, 0.5]
  CHECK(numerics::interp_linear(x, y, -1.0) == 1.0);
  CHECK(numerics::interp_linear(x, y, 0.25) == Approx(1.5).epsilon(1e-15));
  CHECK(numerics::interp_linear(x, y, 1.0) == 3.0);
  CHECK(numerics::interp_linear(x, y, 2.0) == Approx(-1.0 / 3.0).epsilon(1e-15));
  CHECK(numerics::interp_linear(x, y, 5.0) == 0.5);
  const auto v = numerics::interp_linear(x, y, std::vector<double>{2.0, 0.25});
  CHECK(v[0] == numerics::interp_linear(x, y, 2.0));
  const auto [i, t] = numerics::locate_segment(x, 5.0);  // extrapolates from the last segment
  CHECK(i == 2);
  CHECK(t == Approx(2.5 / 1.5));  // (5 − 2.5)/(4 − 2.5)
}

TEST_CASE("numerics: golden-section search and the E0 shift", "[numerics]") {
  int calls = 0;
  auto f = [&](double x) {
    ++calls;
    return (x - 0.3) * (x - 0.3);
  };
  const auto r = numerics::golden_section_minimum(f, -1.0, 2.0, 1e-8);
  CHECK(std::abs(r.best_x - 0.3) < 1e-8);  // within the final bracket
  CHECK(r.hi - r.lo <= 1e-8);
  CHECK(r.lo <= 0.3);
  CHECK(r.hi >= 0.3);
  // bracket shrinks by 0.618 per call: log(3e8)/log(1.618) ≈ 41 calls after the first two
  CHECK(calls < 45);

  // (E1.3): q² = k² − ETOK ΔE0, sign kept below the shifted edge.
  const double k = 2.0, de0 = 10.0;
  const double q2 = k * k - units::kEtok * de0;
  CHECK(numerics::shifted_wavenumber(k, de0) == std::copysign(std::sqrt(std::abs(q2)), q2));
  CHECK(numerics::shifted_wavenumber(1.0, 10.0) < 0.0);  // 1 − 2.62 < 0: below the edge
  CHECK(numerics::shifted_wavenumber(3.0, 0.0) == 3.0);
}
