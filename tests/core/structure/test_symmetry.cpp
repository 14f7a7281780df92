// Space groups and absorber classes for structures whose answer is textbook.
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/structure/readers.hpp"
#include "core/structure/symmetry.hpp"
#include "tests/test_paths.hpp"

using namespace xasforge;

TEST_CASE("symmetry: rocksalt conventional cell is Fm-3m with one Ni and one O class", "[structure][symmetry]") {
  const auto s = structure::Structure::periodic(
      structure::Lattice(Eigen::Matrix3d::Identity() * 4.17), {28, 28, 28, 28, 8, 8, 8, 8},
      {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}, {0.5, 0, 0}, {0, 0.5, 0}, {0, 0, 0.5}, {0.5, 0.5, 0.5}});
  const auto sym = structure::analyze_symmetry(s);
  CHECK(sym.spacegroup_number == 225);
  CHECK(sym.international_symbol == "Fm-3m");
  const auto classes = structure::absorber_classes(s, sym);
  REQUIRE(classes.size() == 2);
  CHECK(classes[0].element == "Ni");
  CHECK(classes[0].sites == std::vector<std::size_t>{0, 1, 2, 3});
  CHECK(classes[1].element == "O");
  CHECK(classes[1].multiplicity() == 4);
}

TEST_CASE("symmetry: magnetite Fd-3m has tetrahedral (8) and octahedral (16) Fe", "[structure][symmetry][shared]") {
  const auto s = structure::read_structure(test::structures_dir() / "Fe3O4_227_1.json");
  const auto sym = structure::analyze_symmetry(s);
  CHECK(sym.spacegroup_number == 227);
  std::vector<std::size_t> fe_multiplicities;
  for (const auto& c : structure::absorber_classes(s, sym))
    if (c.element == "Fe") fe_multiplicities.push_back(c.multiplicity());
  std::sort(fe_multiplicities.begin(), fe_multiplicities.end());
  CHECK(fe_multiplicities == std::vector<std::size_t>{8, 16});
}

TEST_CASE("symmetry: a displacement beyond symprec splits a class, one below it does not", "[structure][symmetry]") {
  // Cubic perovskite SrTiO3 (Pm-3m): the three O are one class. Moving the O at (1/2, 1/2, 0)
  // along z by 0.05 Å (beyond symprec 0.01 Å) makes it apical (P4mm): O classes of 1 and 2.
  // Moving it by 0.005 Å (within symprec) changes nothing.
  const double a = 3.905;
  const structure::Lattice lat(Eigen::Matrix3d::Identity() * a);
  auto perovskite = [&](double dz_A) {
    return structure::Structure::periodic(lat, {38, 22, 8, 8, 8},
                                          {{0, 0, 0}, {0.5, 0.5, 0.5}, {0.5, 0.5, dz_A / a}, {0.5, 0, 0.5}, {0, 0.5, 0.5}});
  };
  auto o_multiplicities = [](const structure::Structure& s) {
    std::vector<std::size_t> m;
    for (const auto& c : structure::absorber_classes(s))
      if (c.z == 8) m.push_back(c.multiplicity());
    std::sort(m.begin(), m.end());
    return m;
  };
  CHECK(structure::analyze_symmetry(perovskite(0.0)).spacegroup_number == 221);
  CHECK(o_multiplicities(perovskite(0.0)) == std::vector<std::size_t>{3});
  CHECK(o_multiplicities(perovskite(0.005)) == std::vector<std::size_t>{3});
  CHECK(structure::analyze_symmetry(perovskite(0.05)).spacegroup_number == 99);
  CHECK(o_multiplicities(perovskite(0.05)) == std::vector<std::size_t>{1, 2});
}

TEST_CASE("symmetry: a cluster has no space group and one class per atom", "[structure][symmetry]") {
  const auto cluster = structure::Structure::cluster({26, 8}, {{0, 0, 0}, {2, 0, 0}});
  CHECK(structure::absorber_classes(cluster).size() == 2);
  CHECK_THROWS_AS(structure::analyze_symmetry(cluster), InputError);
}
