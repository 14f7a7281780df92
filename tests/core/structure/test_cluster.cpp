#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/structure/cluster.hpp"

using namespace xasforge;
using Catch::Matchers::WithinAbs;

namespace {
structure::Structure cu_fcc(double a = 3.61) {
  Eigen::Matrix3d m = Eigen::Matrix3d::Identity() * a;
  return structure::Structure::periodic(structure::Lattice(m), {29, 29, 29, 29},
                                        {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}});
}
}  // namespace

TEST_CASE("fcc cluster shells: 1, 12, 6, 24, 12 atoms", "[structure][cluster]") {
  const double a = 3.61;
  const auto atoms = structure::build_cluster(cu_fcc(a), 0, 7.0);
  // The reference run of docs/physics.md §0: 135 fcc sites within 7.0 Å (absorber included).
  CHECK(atoms.size() == 135);
  REQUIRE(atoms.size() > 19);
  CHECK(atoms[0].distance_A == 0.0);
  CHECK(atoms[0].site == 0);
  for (int i = 1; i <= 12; ++i) CHECK_THAT(atoms[static_cast<std::size_t>(i)].distance_A, WithinAbs(a / std::sqrt(2.0), 1e-12));
  for (int i = 13; i <= 18; ++i) CHECK_THAT(atoms[static_cast<std::size_t>(i)].distance_A, WithinAbs(a, 1e-12));
  for (std::size_t i = 1; i < atoms.size(); ++i) CHECK(atoms[i - 1].distance_A <= atoms[i].distance_A + 1e-5);
}

TEST_CASE("cluster order is deterministic: distance, site, image", "[structure][cluster]") {
  const auto atoms = structure::build_cluster(cu_fcc(), 1, 5.0);
  for (std::size_t i = 2; i < atoms.size(); ++i) {
    const auto& p = atoms[i - 1];
    const auto& q = atoms[i];
    if (std::llround(p.distance_A * 1e5) == std::llround(q.distance_A * 1e5)) CHECK(p.site <= q.site);
  }
  CHECK(atoms[0].site == 1);
}

TEST_CASE("cluster builder rejects bad requests", "[structure][cluster]") {
  CHECK_THROWS_AS(structure::build_cluster(cu_fcc(), 4, 5.0), InputError);
  CHECK_THROWS_AS(structure::build_cluster(cu_fcc(), 0, 0.0), InputError);
  CHECK_THROWS_AS(structure::build_cluster(cu_fcc(), 0, -1.0), InputError);
}
