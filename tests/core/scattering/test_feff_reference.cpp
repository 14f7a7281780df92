// F_eff and chi(k) against FEFF 8.5L fixtures (tests/reference/scattering/<case>/).
#include <cmath>
#include <complex>
#include <cstdio>
#include <vector>

#include <catch2/catch.hpp>

#include "core/scattering/rehr_albers.hpp"
#include "tests/core/scattering/feff_fixture.hpp"
#include "tests/test_paths.hpp"

using namespace xasforge::scattering;
using namespace xasforge::test;
using cplx = std::complex<double>;

namespace {

double wrap(double x) { return std::remainder(x, 2.0 * M_PI); }

struct FeffCompare {
  int n_paths = 0;
  double max_mag_raw = 0, max_ph_raw = 0;   // without C(k)
  double max_mag = 0, max_ph = 0;           // after dividing by C(k) of path 1
  int worst_path = 0;
};

FeffCompare compare_case(const std::string& name, int iorder = 2) {
  const auto dir = reference_dir() / "scattering" / name;
  const PhaseShifts ph = read_fixture_phases(dir);
  const auto zmap = read_potentials_card(dir / "feff.inp");
  const auto paths = read_paths_dat(dir / "paths.dat", zmap);
  RehrAlbersOptions opt;
  opt.iorder = iorder;
  RehrAlbersCalculator calc(ph, opt);
  FeffCompare r;
  std::vector<cplx> c_of_k;
  for (const auto& path : paths) {
    char fn[32];
    std::snprintf(fn, sizeof fn, "feff%04d.dat", path.index);
    if (!std::filesystem::exists(dir / fn)) continue;
    const FeffDat f = read_feff_dat(dir / fn);
    REQUIRE(f.k.size() == ph.k_invA.size());
    const auto amp = calc.compute(path);
    if (c_of_k.empty()) {
      c_of_k.resize(f.k.size());
      for (std::size_t i = 0; i < f.k.size(); ++i) {
        const cplx ffeff = std::polar(f.mag[i], f.phase[i]);
        c_of_k[i] = std::abs(amp.f_eff_A[i]) > 0 ? ffeff / amp.f_eff_A[i] : cplx(1, 0);
      }
    }
    ++r.n_paths;
    for (std::size_t i = 0; i < f.k.size(); ++i) {
      if (f.k[i] < 2.0 - 1e-9 || f.k[i] > 18.0 + 1e-9) continue;
      const cplx ours = amp.f_eff_A[i];
      const double mr = std::abs(std::abs(ours) / f.mag[i] - 1.0);
      const double pr = std::abs(wrap(std::arg(ours) - f.phase[i]));
      const cplx corr = ours * c_of_k[i];
      const double mc = std::abs(std::abs(corr) / f.mag[i] - 1.0);
      const double pc = std::abs(wrap(std::arg(corr) - f.phase[i]));
      r.max_mag_raw = std::max(r.max_mag_raw, mr);
      r.max_ph_raw = std::max(r.max_ph_raw, pr);
      if (mc > r.max_mag || pc > r.max_ph) r.worst_path = path.index;
      r.max_mag = std::max(r.max_mag, mc);
      r.max_ph = std::max(r.max_ph, pc);
    }
  }
  std::printf("F_eff %-18s paths %3d  raw |F| %.2e phase %.2e rad   C(k)-corrected |F| %.2e phase %.2e rad (worst path %d)\n",
              name.c_str(), r.n_paths, r.max_mag_raw, r.max_ph_raw, r.max_mag, r.max_ph, r.worst_path);
  return r;
}

}  // namespace

TEST_CASE("F_eff of every path matches FEFF 8.5L feffNNNN.dat", "[feff][reference]") {
  for (const char* name : {"cu_ref", "cu_fcc", "fe_bcc", "nio", "zno", "cuo"}) {
    const FeffCompare r = compare_case(name);
    INFO(name);
    CHECK(r.n_paths > 10);
    CHECK(r.max_mag < 5e-3);
    CHECK(r.max_ph < 1e-2);
  }
}
