// CIF, POSCAR, XYZ readers and the MP JSON writer on small inputs whose answers are known by hand.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/error.hpp"
#include "core/structure/mp_json_writer.hpp"
#include "core/structure/readers.hpp"
#include "core/structure/validate.hpp"
#include "tests/test_paths.hpp"

using namespace xasforge;
using Catch::Matchers::WithinAbs;

namespace {

const char* kRocksaltCif = R"(# NaCl in Fm-3m, written ICSD-style with operations and uncertainties
data_NaCl
_cell_length_a 5.6402(3)
_cell_length_b 5.6402(3)
_cell_length_c 5.6402(3)
_cell_angle_alpha 90.
_cell_angle_beta 90.
_cell_angle_gamma 90.
_symmetry_space_group_name_H-M 'F m -3 m'
loop_
_symmetry_equiv_pos_site_id
_symmetry_equiv_pos_as_xyz
1 'x, y, z'
2 '1/2+x, 1/2+y, z'
3 'x+1/2, y, z+1/2'
4 'x, y+0.5, z+0.5'
5 '-x, -y, -z'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_occupancy
Na1 Na+ 0 0 0 1.
Cl1 Cl- 0.5 0.5 0.5 1.000(0)
)";

}  // namespace

TEST_CASE("CIF: symmetry expansion, uncertainties, charged type symbols, duplicates removed", "[structure][cif]") {
  const auto s = structure::parse_cif(kRocksaltCif, "nacl.cif");
  // 4 centring translations x inversion: 8 images each, of which 4 are distinct (inversion maps
  // the fcc sites onto themselves): 4 Na + 4 Cl, each asymmetric atom followed by its images.
  REQUIRE(s.size() == 8);
  for (std::size_t i = 0; i < 4; ++i) CHECK(s.site(i).z == 11);
  for (std::size_t i = 4; i < 8; ++i) CHECK(s.site(i).z == 17);
  CHECK(s.site(0).label == "Na1");
  // 5.6402(3): the uncertainty is dropped, the value kept exactly.
  CHECK(s.lattice().lengths_A()[0] == 5.6402);
  // (0.5, 0.5, 0) is where '1/2+x, 1/2+y, z' sends the origin: fractions parse exactly.
  CHECK(s.site(1).fractional == Eigen::Vector3d(0.5, 0.5, 0.0));
  CHECK(s.reduced_formula() == "NaCl");
}

TEST_CASE("CIF: element from the label, 0.3333 snapped to 1/3 as pymatgen does", "[structure][cif]") {
  const char* cif = R"(data_x
_cell_length_a 3.0
_cell_length_b 3.0
_cell_length_c 5.0
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 120
loop_
_space_group_symop_operation_xyz
x,y,z
-y,x-y,z
-x+y,-x,z
loop_
_atom_site_label
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
ZN1 0.3333 0.6667 0
Co2 0 0 0.5
)";
  const auto s = structure::parse_cif(cif, "snap.cif");
  // (1/3, 2/3) is fixed by the 3-fold axis: one Zn, not three near-copies 1e-4 apart.
  REQUIRE(s.size() == 2);
  CHECK(s.site(0).z == 30);  // "ZN1" -> Zn (two letters title-cased)
  CHECK(s.site(1).z == 27);
  CHECK(s.site(0).fractional[0] == 1.0 / 3.0);
  CHECK(s.site(0).fractional[1] == 2.0 / 3.0);
}

TEST_CASE("CIF: the first data block with atoms is read; text fields and comments are skipped", "[structure][cif]") {
  const std::string cif = std::string("data_global\n_journal_name_full 'J. Test'\n_publ_section_title\n;\n a title; with ;\n;\n") +
                          kRocksaltCif;
  CHECK(structure::parse_cif(cif, "two.cif").size() == 8);
}

TEST_CASE("POSCAR: VASP 5, negative scale = volume, per-axis scale, Cartesian, selective dynamics", "[structure][poscar]") {
  const char* direct = "Fe O\n1.0\n4 0 0\n0 4 0\n0 0 4\nFe O\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n";
  const auto a = structure::parse_poscar(direct, "POSCAR");
  REQUIRE(a.size() == 2);
  CHECK(a.site(1).z == 8);
  CHECK(a.site(1).cartesian_A == Eigen::Vector3d(2, 2, 2));

  // Scale -64 Å³ on a 2x2x2 cell: the cell is scaled by (64/8)^(1/3) = 2.
  const auto b = structure::parse_poscar("x\n-64\n2 0 0\n0 2 0\n0 0 2\nFe_pv O\n1 1\nd\n0 0 0\n0.5 0.5 0.5\n", "POSCAR");
  CHECK_THAT(b.lattice().volume_A3(), WithinAbs(64.0, 1e-12));  // cbrt round-off only
  CHECK(b.site(0).z == 26);

  // Cartesian coordinates are multiplied by the scale factor.
  const auto c = structure::parse_poscar("x\n2.0\n2 0 0\n0 2 0\n0 0 2\nFe O\n1 1\nSelective dynamics\nCartesian\n0 0 0 T T F\n1 1 1 F F F\n", "POSCAR");
  CHECK(c.site(1).fractional == Eigen::Vector3d(0.5, 0.5, 0.5));

  // Three scale factors multiply the x, y, z components.
  const auto d = structure::parse_poscar("x\n1 2 3\n1 0 0\n0 1 0\n0 0 1\nCu\n1\nDirect\n0 0 0\n", "POSCAR");
  CHECK(d.lattice().lengths_A() == Eigen::Vector3d(1, 2, 3));

  // VASP 4: species taken from the comment line.
  const auto e = structure::parse_poscar("Ni O\n4.17\n1 0 0\n0 1 0\n0 0 1\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n", "POSCAR");
  CHECK(e.site(0).z == 28);
  CHECK(e.reduced_formula() == "NiO");
}

TEST_CASE("XYZ: plain XYZ is a cluster, extended XYZ with a Lattice is periodic", "[structure][xyz]") {
  const auto c = structure::parse_xyz("2\nwater-less\nFe 0 0 0\n8 1.9 0 0\n", "c.xyz");
  REQUIRE_FALSE(c.is_periodic());
  CHECK(c.site(1).z == 8);  // atomic number accepted in the element column
  const auto p = structure::parse_xyz(
      "2\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=id:I:1:species:S:1:pos:R:3 pbc=\"T T T\"\n1 Ni 0 0 0\n2 O 2 2 2\n", "p.extxyz");
  REQUIRE(p.is_periodic());
  CHECK(p.site(1).z == 8);
  CHECK(p.site(1).fractional == Eigen::Vector3d(0.5, 0.5, 0.5));
  const auto f = structure::parse_xyz("1\nLattice=\"4 0 0 0 4 0 0 0 4\" pbc=\"F F F\"\nCu 0 0 0\n", "f.extxyz");
  CHECK_FALSE(f.is_periodic());
}

TEST_CASE("MP JSON writer: reading the text back gives the same structure bit for bit", "[structure][json]") {
  const auto s = structure::read_structure(test::structures_dir() / "Fe3O4_227_1.json");
  const auto back = structure::parse_mp_json(structure::to_mp_json(s), "roundtrip");
  CHECK(back == s);  // lattice matrix and every site: exact (round-trip number printing)
  const auto cluster = structure::parse_xyz("2\n\nFe 0 0 0\nO 1.9 0.1 0\n", "c.xyz");
  CHECK(structure::parse_mp_json(structure::to_mp_json(cluster, 1), "molecule") == cluster);
}

TEST_CASE("validation: distances, empty structure, left-handed cells", "[structure][validate]") {
  const auto s = structure::parse_poscar("x\n1\n4 0 0\n0 4 0\n0 0 4\nFe O\n1 1\nDirect\n0 0 0\n0.95 0 0\n", "POSCAR");
  // Minimum image: 0.95 -> -0.05 of 4 Å = 0.2 Å (exact up to round-off of 0.95 - 1).
  auto p = structure::closest_pair_within(s, 0.5);
  REQUIRE(p);
  CHECK(p->i == 0);
  CHECK(p->j == 1);
  CHECK_THAT(p->distance_A, WithinAbs(0.2, 1e-12));
  CHECK_THROWS_WITH(structure::validate_structure(s),
                    Catch::Contains("site 1 (O) is 0.2000 Å from site 0 (Fe); closest allowed approach is 0.50 Å"));
  structure::ValidationOptions loose;
  loose.min_distance_A = 0.1;
  CHECK_NOTHROW(structure::validate_structure(s, loose));

  const auto left = structure::parse_poscar("x\n1\n4 0 0\n0 0 4\n0 4 0\nCu\n1\nDirect\n0 0 0\n", "POSCAR_left");
  CHECK_FALSE(left.lattice().is_right_handed());
  CHECK_NOTHROW(structure::validate_structure(left));  // accepted by default (pymatgen, spglib do)
  structure::ValidationOptions strict;
  strict.require_right_handed = true;
  CHECK_THROWS_WITH(structure::validate_structure(left, strict), Catch::Contains("POSCAR_left: the lattice is left-handed"));

  CHECK_THROWS_WITH(structure::validate_structure(structure::Structure{}), Catch::Contains("no sites (empty structure)"));
}
