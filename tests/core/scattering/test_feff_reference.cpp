// F_eff and chi(k) against FEFF 8.5L fixtures (tests/reference/scattering/<case>/).
#include <cmath>
#include <complex>
#include <cstdio>
#include <vector>

#include <catch2/catch.hpp>

#include "core/scattering/chi_sum.hpp"
#include "core/scattering/debye_waller.hpp"
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
    REQUIRE(f.k_invA.size() == ph.k_invA.size());
    const auto amp = calc.compute(path);
    if (c_of_k.empty()) {
      c_of_k.resize(f.k_invA.size());
      for (std::size_t i = 0; i < f.k_invA.size(); ++i) {
        const cplx ffeff = std::polar(f.mag_A[i], f.phase[i]);
        c_of_k[i] = std::abs(amp.f_eff_A[i]) > 0 ? ffeff / amp.f_eff_A[i] : cplx(1, 0);
      }
    }
    ++r.n_paths;
    for (std::size_t i = 0; i < f.k_invA.size(); ++i) {
      if (f.k_invA[i] < 2.0 - 1e-9 || f.k_invA[i] > 18.0 + 1e-9) continue;
      const cplx ours = amp.f_eff_A[i];
      const double mr = std::abs(std::abs(ours) / f.mag_A[i] - 1.0);
      const double pr = std::abs(wrap(std::arg(ours) - f.phase[i]));
      const cplx corr = ours * c_of_k[i];
      const double mc = std::abs(std::abs(corr) / f.mag_A[i] - 1.0);
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

namespace {

struct ChiCompare {
  double r_factor = 0;
  int n_used = 0, n_feff = 0;
  double max_cw_diff = 0;
  bool same_paths = true;
};

// Our whole chain from FEFF's phase shifts and paths: F_eff, σ² (correlated Debye or none), sum.
ChiCompare compare_chi(const std::string& name, double theta_K) {
  const auto dir = reference_dir() / "scattering" / name;
  const PhaseShifts ph = read_fixture_phases(dir);
  const auto zmap = read_potentials_card(dir / "feff.inp");
  const auto paths = read_paths_dat(dir / "paths.dat", zmap);
  const ChiDat ref = read_chi_dat(dir / "chi.dat");
  RehrAlbersCalculator calc(ph);
  std::vector<std::vector<cplx>> amps;
  std::vector<PathParameters> params(paths.size());
  DebyeWallerSettings s;
  s.temperature_K = 300;
  s.debye_temperature_K = theta_K > 0 ? theta_K : 1.0;
  s.rnorm_avg_A = ph.rnorm_avg_A > 0 ? ph.rnorm_avg_A : 1.0;
  CorrelatedDebyeModel dw(s);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    amps.push_back(calc.compute(paths[i]).chi_tilde);
    if (theta_K > 0) params[i].sigma2_A2 = dw.sigma2_A2(paths[i], zmap.at(0));
  }
  const Spectrum sp = sum_paths(ph, paths, amps, params, ChiSumSettings{});
  REQUIRE(sp.k_invA.size() == ref.k.size());
  ChiCompare c;
  c.r_factor = r_factor(sp.k_invA, sp.chi, ref.chi, 3.0, 14.0, 2);
  c.n_feff = static_cast<int>(ref.sig2_A2.size());
  for (const auto& pc : sp.paths) {
    const bool in_feff = ref.cw_ratio.count(pc.index) > 0;
    if (pc.included) ++c.n_used;
    if (pc.included != in_feff) c.same_paths = false;
    if (in_feff) c.max_cw_diff = std::max(c.max_cw_diff, std::abs(pc.cw_importance_percent - ref.cw_ratio.at(pc.index)));
  }
  std::printf("chi   %-18s R-factor (k 3-14, k^2) %.2e  paths used %d (FEFF %d)  max |cw%% - FEFF| %.3f\n", name.c_str(),
              c.r_factor, c.n_used, c.n_feff, c.max_cw_diff);
  return c;
}

}  // namespace

TEST_CASE("chi(k) with correlated Debye matches FEFF 8.5L chi.dat", "[feff][reference][chi]") {
  struct Case {
    const char* name;
    double theta;
  };
  for (const Case c : {Case{"cu_ref", 315}, Case{"cu_fcc", 315}, Case{"fe_bcc", 470}, Case{"nio", 500}, Case{"zno", 416},
                       Case{"cuo", 400}}) {
    const ChiCompare r = compare_chi(c.name, c.theta);
    INFO(c.name);
    // Issue acceptance: R ≤ 0.005 (measured values are printed above).
    CHECK(r.r_factor <= 0.005);
    CHECK(r.same_paths);
    CHECK(r.max_cw_diff < 0.5);  // cw ratio printed with 2 decimals; C(k) moves it by < 0.1 %
  }
}

TEST_CASE("chi(k) of the disordered 256-atom Cu cluster matches FEFF 8.5L", "[feff][reference][chi]") {
  const ChiCompare r = compare_chi("cu_disordered256", 0.0);  // SIG2 0: no Debye–Waller factor
  CHECK(r.r_factor <= 0.005);
  CHECK(r.same_paths);
  CHECK(r.n_used > 100);
}

TEST_CASE("ff2x recipe reproduces chi.dat from FEFF's own feffNNNN.dat columns", "[feff][reference][chi]") {
  // Identity check of the sum alone (docs/physics.md §1.4 numeric check: 4.3e-4 relative rms).
  const auto dir = reference_dir() / "scattering" / "cu_ref";
  const PhaseShifts ph = read_fixture_phases(dir);
  const auto zmap = read_potentials_card(dir / "feff.inp");
  const auto all = read_paths_dat(dir / "paths.dat", zmap);
  const ChiDat ref = read_chi_dat(dir / "chi.dat");
  std::vector<ScatteringPath> paths;
  std::vector<std::vector<cplx>> amps;
  std::vector<PathParameters> params;
  for (const auto& p : all) {
    if (!ref.sig2_A2.count(p.index)) continue;
    char fn[32];
    std::snprintf(fn, sizeof fn, "feff%04d.dat", p.index);
    const FeffDat f = read_feff_dat(dir / fn);
    std::vector<cplx> a(f.k_invA.size());
    for (std::size_t i = 0; i < f.k_invA.size(); ++i) {
      const double k = std::max(f.k_invA[i], 1e-12);
      const double mag = f.mag_A[i] * f.reduction[i] * std::exp(-2 * p.reff_A / f.lambda_A[i]) / (k * p.reff_A * p.reff_A);
      a[i] = std::polar(mag, f.central_phase[i] + f.phase[i]);
    }
    a[0] = 2.0 * a[1] - a[2];  // |F| is printed as 0 at k = 0 (§1.3): extrapolate
    paths.push_back(p);
    amps.push_back(a);
    PathParameters pp;
    pp.sigma2_A2 = ref.sig2_A2.at(p.index);
    params.push_back(pp);
  }
  ChiSumSettings st;
  st.critcw_percent = 0;  // FEFF already filtered
  const Spectrum sp = sum_paths(ph, paths, amps, params, st);
  double num = 0, den = 0;
  for (std::size_t j = 0; j < sp.k_invA.size(); ++j) {
    if (sp.k_invA[j] < 1.0) continue;
    num += std::pow(sp.chi[j] - ref.chi[j], 2);
    den += std::pow(ref.chi[j], 2);
  }
  const double rms = std::sqrt(num / den);
  std::printf("ff2x recipe from feffNNNN.dat columns: relative rms %.2e (k 1-20)\n", rms);
  // The feffNNNN.dat columns carry 5 significant digits: docs/physics.md measured 4.3e-4; allow 1e-3.
  CHECK(rms < 1e-3);
}

namespace {

struct KChi {
  std::vector<double> k, chi;
};

KChi read_two_columns(const std::filesystem::path& p) {
  KChi out;
  for (const auto& l : read_lines(p)) {
    if (l.empty() || l[0] == '#') continue;
    std::istringstream ss(l);
    double a, b;
    if (ss >> a >> b) {
      out.k.push_back(a);
      out.chi.push_back(b);
    }
  }
  return out;
}

// χ̃ of the cu_ref paths that FEFF summed, built from FEFF's own feffNNNN.dat columns (§1.3).
void feff_dat_amplitudes(const PhaseShifts& ph, std::vector<ScatteringPath>& paths, std::vector<std::vector<cplx>>& amps,
                         const ChiDat& ref, const std::filesystem::path& dir) {
  const auto all = read_paths_dat(dir / "paths.dat", read_potentials_card(dir / "feff.inp"));
  for (const auto& p : all) {
    if (!ref.sig2_A2.count(p.index)) continue;
    char fn[32];
    std::snprintf(fn, sizeof fn, "feff%04d.dat", p.index);
    const FeffDat f = read_feff_dat(dir / fn);
    std::vector<cplx> a(f.k_invA.size());
    for (std::size_t i = 0; i < f.k_invA.size(); ++i) {
      const double k = std::max(f.k_invA[i], 1e-12);
      a[i] = std::polar(f.mag_A[i] * f.reduction[i] * std::exp(-2 * p.reff_A / f.lambda_A[i]) / (k * p.reff_A * p.reff_A), f.central_phase[i] + f.phase[i]);
    }
    a[0] = 2.0 * a[1] - a[2];
    REQUIRE(a.size() == ph.k_invA.size());
    paths.push_back(p);
    amps.push_back(a);
  }
}

}  // namespace

TEST_CASE("Larch convention reproduces Larch's path2chi sum (σ² 0.005, ΔE0 0 and 2 eV)", "[feff][reference][chi][larch]") {
  const auto dir = reference_dir() / "scattering" / "cu_ref";
  const PhaseShifts ph = read_fixture_phases(dir);
  const ChiDat ref = read_chi_dat(dir / "chi.dat");
  std::vector<ScatteringPath> paths;
  std::vector<std::vector<cplx>> amps;
  feff_dat_amplitudes(ph, paths, amps, ref, dir);
  std::vector<PathParameters> params(paths.size());
  for (auto& p : params) p.sigma2_A2 = 0.005;
  for (double e0 : {0.0, 2.0}) {
    const KChi larch = read_two_columns(reference_dir() / "scattering" / "cu_ref_larch" /
                                        (e0 == 0.0 ? "chi_larch_e0_0.dat" : "chi_larch_e0_2.dat"));
    ChiSumSettings st;
    st.critcw_percent = 0;
    st.e0_eV = e0;
    st.convention = ChiConvention::kLarch;
    const Spectrum ours = sum_paths(ph, paths, amps, params, st);
    REQUIRE(ours.k_invA.size() == larch.k.size());
    const double r_larch = r_factor(ours.k_invA, ours.chi, larch.chi, 3.0, 14.0, 2);
    st.convention = ChiConvention::kFeff;
    const Spectrum ff = sum_paths(ph, paths, amps, params, st);
    const double r_feff = r_factor(ff.k_invA, ff.chi, larch.chi, 3.0, 14.0, 2);
    std::printf("larch convention (e0 %.0f eV) vs Larch: R %.2e;  feff convention vs Larch: R %.2e\n", e0, r_larch, r_feff);
    // Same inputs, same interpolation (not-a-knot cubic): only the 5 printed digits of the
    // feffNNNN.dat columns (rebuilt here through χ̃) and Larch's 4-decimal reff differ: R ≤ 1e-5.
    CHECK(r_larch < 1e-5);
    // Control: the ff2x convention lacks the −4pσ²/R phase and differs clearly (docs/physics.md §1.4).
    CHECK(r_feff > 100 * r_larch);
  }
}
