// Trajectory readers: extended XYZ and LAMMPS dump fixtures (tests/reference/ensemble/trajectories).
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "core/ensemble/trajectory_io.hpp"
#include "core/error.hpp"
#include "tests/test_paths.hpp"

using namespace xasforge;
using namespace xasforge::ensemble;
using Catch::Matchers::WithinAbs;

namespace {
std::filesystem::path fixture(const char* name) { return test::reference_dir() / "ensemble" / "trajectories" / name; }
}  // namespace

TEST_CASE("LAMMPS dump: frames, id order, orthogonal box", "[ensemble][trajectory]") {
  const auto frames = read_trajectory(fixture("two_frames.lammpstrj"), {"Cu"});
  REQUIRE(frames.size() == 2);
  REQUIRE(frames[0].size() == 4);
  // atoms sorted by id: id 1 is at the origin, id 3 at (1.805, 0, 1.805); coordinates exact as printed
  CHECK_THAT(frames[0].site(0).cartesian_A.norm(), WithinAbs(0.0, 1e-12));
  CHECK_THAT(frames[0].site(2).cartesian_A.x(), WithinAbs(1.805, 1e-12));
  CHECK_THAT(frames[0].site(2).cartesian_A.z(), WithinAbs(1.805, 1e-12));
  CHECK(frames[0].site(1).z == 29);
  CHECK_THAT(frames[1].site(0).cartesian_A.x(), WithinAbs(0.01, 1e-12));
  CHECK_THAT(frames[1].lattice().volume_A3(), WithinAbs(3.61 * 3.61 * 3.61, 1e-9));
}

TEST_CASE("LAMMPS dump: triclinic box from bounding-box extents, scaled coordinates", "[ensemble][trajectory]") {
  const auto frames = read_lammps_dump(fixture("triclinic_scaled.dump"), {"Cu", "Ni"});
  REQUIRE(frames.size() == 1);
  const Eigen::Matrix3d m = frames[0].lattice().matrix_A();
  Eigen::Matrix3d expected;
  expected << 4, 0, 0, 0.5, 2, 0, 0, -1, 5;  // derived in SOURCE.md from the LAMMPS triclinic rules
  CHECK((m - expected).norm() < 1e-12);
  CHECK(frames[0].site(1).z == 28);
  CHECK((frames[0].site(1).cartesian_A - Eigen::Vector3d(2.25, 0.5, 2.5)).norm() < 1e-12);
}

TEST_CASE("LAMMPS dump errors name file and line", "[ensemble][trajectory]") {
  try {
    read_lammps_dump(fixture("bad_column.lammpstrj"), {"Cu"});
    FAIL("no error");
  } catch (const InputError& e) {
    const std::string msg = e.what();
    CHECK(msg.find("bad_column.lammpstrj:11:") != std::string::npos);
    CHECK(msg.find("abc") != std::string::npos);
  }
  // type without an element mapping
  CHECK_THROWS_AS(read_lammps_dump(fixture("two_frames.lammpstrj"), {}), InputError);
}

TEST_CASE("extended XYZ: lattice, extra properties, cluster frame, round trip", "[ensemble][trajectory]") {
  const auto frames = read_extxyz(fixture("frames.extxyz"));
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].is_periodic());
  CHECK(frames[0].site(1).z == 8);
  CHECK_THAT(frames[0].site(1).fractional.z(), WithinAbs(0.5, 1e-12));
  CHECK_FALSE(frames[1].is_periodic());
  CHECK(frames[1].size() == 3);
  std::ostringstream out;
  write_extxyz_frame(out, frames[0]);
  const auto tmp = std::filesystem::temp_directory_path() / "xasforge_ensemble_roundtrip.xyz";
  {
    std::ofstream f(tmp);
    f << out.str();
  }
  const auto back = read_extxyz(tmp);
  std::filesystem::remove(tmp);
  REQUIRE(back.size() == 1);
  CHECK(back[0].lattice() == frames[0].lattice());
  CHECK((back[0].site(1).cartesian_A - frames[0].site(1).cartesian_A).norm() < 1e-7);  // %.8f printing
}
