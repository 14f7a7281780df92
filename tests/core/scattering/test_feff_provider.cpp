// feff.inp writer and the FEFF 8.5L phase-shift provider. FEFF's potential modules are part of
// the runtime (issue 3), so the provider runs live here (< 1 s per structure) and must reproduce
// the fixture phaseNN.dat of the reference run written by scripts/regen_scattering_reference.sh.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <unistd.h>

#include "core/error.hpp"
#include "core/scattering/feff_files.hpp"
#include "core/scattering/feff_input.hpp"
#include "core/scattering/feff_phase_provider.hpp"
#include "core/scattering/path_finder.hpp"
#include "core/structure/lattice.hpp"
#include "core/structure/readers.hpp"
#include "tests/test_paths.hpp"

using namespace xasforge;
using namespace xasforge::scattering;
namespace fs = std::filesystem;

namespace {

fs::path case_dir(const std::string& name) { return test::reference_dir() / "scattering" / name; }

structure::Structure cu_fcc() {
  auto s = structure::Structure::periodic(structure::Lattice::from_parameters(3.61, 3.61, 3.61, 90, 90, 90),
                                          {29, 29, 29, 29},
                                          {Eigen::Vector3d(0, 0, 0), Eigen::Vector3d(0, .5, .5),
                                           Eigen::Vector3d(.5, 0, .5), Eigen::Vector3d(.5, .5, 0)});
  s.name = "Cu_fcc";
  return s;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("feff.inp writer: potentials by element, ATOMS from build_cluster, same atoms as the fixture", "[feff_input]") {
  const auto cl = feff::make_feff_cluster(cu_fcc(), 0, 7.0);
  REQUIRE(cl.atoms.size() == 135);  // docs/physics.md §0: 135 atoms within 7 Å
  REQUIRE(cl.z_of_ipot == std::vector<int>{29, 29});
  feff::FeffCards cards;
  cards.rpath_A = 5.5;
  cards.nleg = 4;
  cards.debye_temperature_K = 300;
  cards.debye_theta_K = 315;
  const fs::path tmp = fs::temp_directory_path() / ("xasforge_feffinp_" + std::to_string(::getpid()) + ".inp");
  { std::ofstream(tmp) << feff::feff_inp_text(cl, cards); }
  const auto back = feff::read_feff_inp(tmp);
  fs::remove(tmp);
  const auto fixture = feff::read_feff_inp(case_dir("cu_ref") / "feff.inp");
  REQUIRE(back.atoms.size() == fixture.atoms.size());
  CHECK(back.rpath_A.value() == 5.5);
  CHECK(back.debye_theta_K.value() == 315);
  for (std::size_t i = 0; i < back.atoms.size(); ++i) {
    // same ordering rule as the regen script: written with 5 decimals, so identical to 1e-5 Å
    CHECK((back.atoms[i].position_A - fixture.atoms[i].position_A).norm() <= 1.5e-5);
    CHECK(back.atoms[i].ipot == fixture.atoms[i].ipot);
  }
  // NiO-like ordering rule: absorber's element first, then ascending Z
  auto nacl = structure::Structure::periodic(structure::Lattice::from_parameters(4.177, 4.177, 4.177, 90, 90, 90),
                                             {8, 28}, {Eigen::Vector3d(0.5, 0, 0), Eigen::Vector3d(0, 0, 0)});
  const auto c2 = feff::make_feff_cluster(nacl, 1, 5.0);
  CHECK(c2.z_of_ipot == std::vector<int>{28, 28, 8});
  const auto pa = feff::path_atoms(c2);
  CHECK(pa[0].ipot == 0);
  CHECK(pa[1].z == 8);  // nearest neighbour of Ni is O at a/2
  CHECK(pa[1].ipot == 2);
}

TEST_CASE("FEFF limits give clear InputErrors", "[feff_input]") {
  // 12 elements besides the absorber -> 12 unique potentials > FEFF's nphx = 11
  std::vector<int> z{26};
  std::vector<Eigen::Vector3d> pos{Eigen::Vector3d::Zero()};
  const int others[] = {3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15};
  for (int i = 0; i < 12; ++i) {
    z.push_back(others[i]);
    const double a = 2.0 * 3.14159265358979 * i / 12.0;
    pos.emplace_back(2.0 * std::cos(a), 2.0 * std::sin(a), 0.1 * i);
  }
  const auto many = structure::Structure::cluster(z, pos);
  try {
    feff::make_feff_cluster(many, 0, 5.0);
    FAIL("expected InputError");
  } catch (const InputError& e) {
    CHECK(contains(e.what(), "12 unique potentials"));
    CHECK(contains(e.what(), "at most 11"));
  }
  // 11 besides the absorber is allowed
  z.pop_back();
  pos.pop_back();
  CHECK(feff::make_feff_cluster(structure::Structure::cluster(z, pos), 0, 5.0).z_of_ipot.size() == 12);
  // more than 1000 atoms
  try {
    feff::make_feff_cluster(cu_fcc(), 0, 16.0);
    FAIL("expected InputError");
  } catch (const InputError& e) {
    CHECK(contains(e.what(), "at most 1000"));
  }
}

TEST_CASE("FEFF provider run live on Cu reproduces the fixture phaseNN.dat and caches by absorber class",
          "[feff_provider]") {
  FeffPhaseProvider provider;
  PhaseSettings set;
  set.cluster_radius_A = 7.0;  // the reference run's cluster (docs/physics.md §0)
  const PhaseShifts live = provider.compute(cu_fcc(), 0, set);
  const PhaseShifts ref = feff::read_phase_shifts(case_dir("cu_ref"));
  REQUIRE(live.potentials.size() == ref.potentials.size());
  REQUIRE(live.k_invA.size() == ref.k_invA.size());
  // Same input atoms and FEFF build: the runs agree to FEFF's print precision (7 significant
  // digits in phaseNN.dat) -> 1e-6 absolute on δ (|δ| < 2π) and 1e-6 relative elsewhere.
  double max_dd = 0;
  for (std::size_t ip = 0; ip < ref.potentials.size(); ++ip) {
    CHECK(live.potentials[ip].z == ref.potentials[ip].z);
    REQUIRE(live.potentials[ip].lmax == ref.potentials[ip].lmax);
    for (std::size_t ie = 0; ie < ref.k_invA.size(); ++ie)
      for (std::size_t l = 0; l < ref.potentials[ip].delta[ie].size(); ++l)
        max_dd = std::max(max_dd, std::abs(live.potentials[ip].delta[ie][l] - ref.potentials[ip].delta[ie][l]));
  }
  CHECK(max_dd <= 1e-6);
  for (std::size_t ie = 0; ie < ref.k_invA.size(); ++ie) {
    CHECK(live.k_invA[ie] == Approx(ref.k_invA[ie]).margin(1e-6));
    CHECK(std::abs(live.p_invA[ie] - ref.p_invA[ie]) <= 1e-6 * std::abs(ref.p_invA[ie]));
  }
  CHECK(live.mu_eV == Approx(ref.mu_eV).epsilon(1e-6));
  CHECK(live.vint_eV == Approx(ref.vint_eV).epsilon(1e-6));
  CHECK(live.kf_invA == Approx(ref.kf_invA).epsilon(1e-6));
  CHECK(live.core_hole_width_eV == Approx(1.729188).epsilon(1e-6));  // pot.json gamach
  CHECK(live.rnorm_avg_A / 0.52917721067 == Approx(2.6313).margin(1e-4));
  CHECK(live.edge == Edge::kK);
  CHECK(provider.feff_runs() == 1);
  // same structure and absorber: cache; an equivalent site (fcc: all sites) is the same class
  provider.compute(cu_fcc(), 0, set);
  provider.compute(cu_fcc(), 2, set);
  CHECK(provider.feff_runs() == 1);
  CHECK(provider.cache_hits() == 2);
  // the phase shifts drive the path finder like the fixture ones
  PathFinderOptions opt;
  opt.rmax_A = 5.5;
  opt.max_legs = 4;
  const auto paths = find_paths(feff::path_atoms(feff::make_feff_cluster(cu_fcc(), 0, 7.0)), live, opt);
  CHECK(paths.size() == 16);
  // no scratch folder left behind
  for (const auto& e : fs::directory_iterator(fs::temp_directory_path()))
    CHECK_FALSE(contains(e.path().filename().string(), "xasforge-feff-" + std::to_string(::getpid()) + "-"));
}

TEST_CASE("FEFF provider errors name the module and quote FEFF", "[feff_provider]") {
  FeffPhaseProvider provider;
  PhaseSettings set;
  set.cluster_radius_A = 7.0;
  set.feff_bin_dir = "/nonexistent/feff/bin";
  try {
    provider.compute(cu_fcc(), 0, set);
    FAIL("expected PhysicsError");
  } catch (const PhysicsError& e) {
    CHECK(contains(e.what(), "feff8l_rdinp"));
    CHECK(contains(e.what(), "/nonexistent/feff/bin"));
  }
  // a real FEFF failure: a lone atom has no interstitial region; feff8l_pot stops (exit 0) and
  // writes no pot.pad
  PhaseSettings real;
  const auto lone = structure::Structure::cluster({29, 29}, {Eigen::Vector3d::Zero(), Eigen::Vector3d(9.0, 0, 0)});
  real.cluster_radius_A = 3.0;
  try {
    provider.compute(lone, 0, real);
    FAIL("expected PhysicsError");
  } catch (const PhysicsError& e) {
    CHECK(contains(e.what(), "feff8l_pot"));
    CHECK(contains(e.what(), "pot.pad"));
    CHECK(contains(e.what(), "FEFF says"));
  }
  // a module that exits non-zero: its output is quoted
  const fs::path fake = fs::temp_directory_path() / ("xasforge_fakefeff_" + std::to_string(::getpid()));
  fs::create_directories(fake);
  for (const char* m : {"feff8l_rdinp", "feff8l_pot", "feff8l_xsph"}) {
    std::ofstream sh(fake / m);
    if (std::string(m) == "feff8l_rdinp")
      sh << "#!/bin/sh\ntouch pot.json xsph.json\n";
    else
      sh << "#!/bin/sh\necho 'simulated FEFF failure: bad potential'\nexit 3\n";
    sh.close();
    fs::permissions(fake / m, fs::perms::owner_all);
  }
  set.feff_bin_dir = fake.string();
  try {
    provider.compute(cu_fcc(), 0, set);
    FAIL("expected PhysicsError");
  } catch (const PhysicsError& e) {
    CHECK(contains(e.what(), "feff8l_pot"));
    CHECK(contains(e.what(), "status 3"));
    CHECK(contains(e.what(), "simulated FEFF failure"));
  }
  fs::remove_all(fake);
  CHECK(provider.feff_runs() == 0);
}

TEST_CASE("FEFF provider on a three-potential oxide (CuO mp-1692) reproduces the fixture", "[feff_provider]") {
  const auto cuo = structure::read_structure(test::structures_dir() / "mp-1692.json");
  std::size_t site = 0;
  while (cuo.site(site).z != 29) ++site;
  const auto cl = feff::make_feff_cluster(cuo, site, 7.0);
  const auto fixture = feff::read_feff_inp(case_dir("cuo") / "feff.inp");
  REQUIRE(cl.atoms.size() == fixture.atoms.size());
  REQUIRE(cl.z_of_ipot == std::vector<int>{29, 29, 8});
  FeffPhaseProvider provider;
  PhaseSettings set;
  set.cluster_radius_A = 7.0;
  const PhaseShifts live = provider.compute(cuo, site, set);
  const PhaseShifts ref = feff::read_phase_shifts(case_dir("cuo"));
  REQUIRE(live.potentials.size() == 3);
  double max_dd = 0;
  for (std::size_t ip = 0; ip < 3; ++ip)
    for (std::size_t ie = 0; ie < ref.k_invA.size(); ++ie)
      for (std::size_t l = 0; l < ref.potentials[ip].delta[ie].size(); ++l)
        max_dd = std::max(max_dd, std::abs(live.potentials[ip].delta[ie][l] - ref.potentials[ip].delta[ie][l]));
  // same atoms (5-decimal coordinates in both feff.inp) -> same FEFF output to print precision
  CHECK(max_dd <= 1e-6);
  CHECK(live.rnorm_avg_A == Approx(ref.rnorm_avg_A).epsilon(1e-7));
  CHECK(live.mu_eV == Approx(ref.mu_eV).epsilon(1e-6));
}
