// closest_pair_within (hash grid over sites and periodic images) against brute force.
#include <catch2/catch.hpp>

#include <random>

#include "core/structure/validate.hpp"

using namespace xasforge;
using Catch::Matchers::WithinAbs;

namespace {

/// Brute force: every pair and every translation in -3..3 (enough for the cells below, whose
/// plane spacings exceed 1.5 Å > limit / 2 after wrapping).
std::optional<structure::SitePair> brute_force(const structure::Structure& s, double limit_A) {
  std::optional<structure::SitePair> best;
  const int m = s.is_periodic() ? 3 : 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    for (std::size_t j = i; j < s.size(); ++j)
      for (int a = -m; a <= m; ++a)
        for (int b = -m; b <= m; ++b)
          for (int c = -m; c <= m; ++c) {
            if (i == j && a == 0 && b == 0 && c == 0) continue;
            Eigen::Vector3d d = s.site(j).cartesian_A - s.site(i).cartesian_A;
            if (s.is_periodic()) {
              Eigen::Vector3d df = s.site(j).fractional - s.site(i).fractional;
              for (int k = 0; k < 3; ++k) df[k] -= std::round(df[k]);
              d = s.lattice().to_cartesian_A(df + Eigen::Vector3d(a, b, c));
            }
            const double r = d.norm();
            if (r < limit_A && (!best || r < best->distance_A)) best = structure::SitePair{i, j, r};
          }
  return best;
}

}  // namespace

TEST_CASE("closest pair: hash grid equals brute force on random skewed cells and clusters", "[structure][validate]") {
  std::mt19937 rng(20261121);  // fixed seed: deterministic
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int trial = 0; trial < 200; ++trial) {
    INFO("trial " << trial);
    Eigen::Matrix3d m;
    // Cells 3-6 Å with off-diagonal shear up to 1.5 Å; fractional positions anywhere in [-1, 2).
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) m(r, c) = r == c ? 3.0 + 3.0 * u(rng) : 1.5 * (u(rng) - 0.5);
    std::vector<int> z;
    std::vector<Eigen::Vector3d> f, x;
    const int n = 2 + trial % 12;
    for (int i = 0; i < n; ++i) {
      z.push_back(26);
      f.emplace_back(3 * u(rng) - 1, 3 * u(rng) - 1, 3 * u(rng) - 1);
      x.emplace_back(6 * u(rng), 6 * u(rng), 6 * u(rng));
    }
    const double limit_A = 0.5 + 1.5 * u(rng);
    for (const auto& s : {structure::Structure::periodic(structure::Lattice(m), z, f), structure::Structure::cluster(z, x)}) {
      const auto fast = structure::closest_pair_within(s, limit_A);
      const auto slow = brute_force(s, limit_A);
      REQUIRE(fast.has_value() == slow.has_value());
      if (!fast) continue;
      // Same pair found by two summation orders: distances agree to round-off (1e-12 Å).
      CHECK_THAT(fast->distance_A, WithinAbs(slow->distance_A, 1e-12));
    }
  }
}

TEST_CASE("closest pair: a site and its own image in a short cell", "[structure][validate]") {
  const auto s = structure::Structure::periodic(structure::Lattice(Eigen::Matrix3d::Identity() * 0.4), {26}, {{0.3, 0.3, 0.3}});
  const auto p = structure::closest_pair_within(s, 0.5);
  REQUIRE(p);
  CHECK(p->i == 0);
  CHECK(p->j == 0);
  CHECK_THAT(p->distance_A, WithinAbs(0.4, 1e-12));  // lattice constant, exact up to round-off
}
