#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/structure/readers.hpp"
#include "tests/test_paths.hpp"

using namespace xasforge;
using Catch::Matchers::WithinAbs;

namespace {
const char* kRocksalt = R"({"@module": "pymatgen.core.structure", "@class": "Structure", "charge": 0,
 "lattice": {"matrix": [[4.2, 0.0, 0.0], [0.0, 4.2, 0.0], [0.0, 0.0, 4.2]]},
 "sites": [
  {"species": [{"element": "Ni", "occu": 1}], "abc": [0.0, 0.0, 0.0], "label": "Ni"},
  {"species": [{"element": "O", "occu": 1}], "abc": [0.5, 0.5, 0.5], "label": "O"}]})";
}

TEST_CASE("MP JSON: species list form, fractional and Cartesian coordinates", "[structure][json]") {
  const auto s = structure::parse_mp_json(kRocksalt, "inline");
  REQUIRE(s.size() == 2);
  CHECK(s.site(0).z == 28);
  CHECK(s.site(1).z == 8);
  // Cartesian = fractional · matrix, exactly representable here.
  CHECK_THAT(s.site(1).cartesian_A.x(), WithinAbs(2.1, 1e-14));
  CHECK(s.reduced_formula() == "NiO");
  CHECK_THAT(s.lattice().volume_A3(), WithinAbs(4.2 * 4.2 * 4.2, 1e-10));
}

TEST_CASE("MP JSON: errors name the file and the item", "[structure][json]") {
  CHECK_THROWS_WITH(structure::parse_mp_json("{", "bad.json"), Catch::StartsWith("bad.json:1: invalid JSON"));
  CHECK_THROWS_WITH(structure::parse_mp_json(R"({"lattice": {"matrix": [[1,0,0],[0,1,0],[0,0,1]]}, "sites": [
    {"species": [{"element": "Fe", "occu": 0.5}], "abc": [0,0,0]}]})", "po.json"),
                    Catch::Contains("po.json: sites[0] has occupancy") && Catch::Contains("partial occupancy is not supported"));
  CHECK_THROWS_WITH(structure::parse_mp_json(R"({"lattice": {"matrix": [[1,0,0],[0,1,0],[0,0,1]]}, "sites": [
    {"species": [{"element": "Zz", "occu": 1}], "abc": [0,0,0]}]})", "el.json"),
                    Catch::Contains("el.json: sites[0]: unknown element 'Zz'"));
  CHECK_THROWS_WITH(structure::parse_mp_json(R"({"lattice": {"matrix": [[1,0,0],[2,0,0],[0,0,1]]}, "sites": [
    {"species": [{"element": "Fe", "occu": 1}], "abc": [0,0,0]}]})", "sing.json"),
                    Catch::Contains("sing.json: lattice is singular"));
}

TEST_CASE("MP JSON: a real Materials Project file", "[structure][json][shared]") {
  const auto path = test::structures_dir() / "mp-1005.json";
  const auto s = structure::read_structure(path);
  CHECK(s.name == "mp-1005");
  CHECK(s.size() > 0);
  CHECK(s.is_periodic());
}
