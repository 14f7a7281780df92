// xftf / xftr for every window and the Cauchy wavelet against Larch 0.9.58
// (fixtures: tests/reference/xafs/transforms/, scripts/regen_xafs_reference.py).
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <numbers>

#include "core/error.hpp"
#include "core/xafs/cauchy_wavelet.hpp"
#include "core/xafs/fourier_transform.hpp"
#include "tests/core/xafs/larch_fixture.hpp"
#include "tests/test_paths.hpp"

using namespace xasforge;
using namespace xasforge::xafs;
using xasforge::test::max_scaled_difference;

namespace {
std::filesystem::path transforms_dir() { return test::reference_dir() / "xafs" / "transforms"; }
}  // namespace

TEST_CASE("xftf and xftr equal Larch for every window", "[xafs][reference]") {
  const auto input = test::read_larch_fixture(transforms_dir() / "chi_input.csv");
  const auto& k = input.column("input", "k");
  const auto& chi = input.column("input", "chi");
  for (const char* name : {"hanning", "kaiser", "parzen", "welch", "sine", "gaussian"}) {
    SECTION(name) {
      const auto ref = test::read_larch_fixture(transforms_dir() / (std::string("ft_") + name + ".csv"));
      XftfOptions fo;
      fo.kmin_invA = 2.3;
      fo.kmax_invA = 14.7;
      fo.dk_invA = ref.scalars.at("dk");
      fo.kweight = ref.scalars.at("kweight");
      fo.window = parse_window(name);
      const ChiR chir = xftf(k, chi, fo);
      // Same interpolation, window formulas and DFT; only the FFT's round-off differs
      // (FFTW vs scipy.fftpack): measured <= 1.3e-15 of the largest value. docs/physics.md §9: 1e-12.
      const double win_diff = max_scaled_difference(chir.kwin, ref.column("kwin", "kwin"));
      const double re_diff = max_scaled_difference(chir.real(), ref.column("chir", "chir_re"));
      const double im_diff = max_scaled_difference(chir.imag(), ref.column("chir", "chir_im"));
      REQUIRE(chir.r_A.size() == ref.column("chir", "r").size());
      REQUIRE(chir.r_A.size() == 326);  // rmax_out = 10 Å on δR = π/102.4
      CHECK(win_diff < 1e-12);
      CHECK(re_diff < 1e-12);
      CHECK(im_diff < 1e-12);

      XftrOptions ro;
      ro.rmin_A = 1.1;
      ro.rmax_A = 3.3;
      ro.dr_A = ref.scalars.at("dr");
      ro.rweight = ref.scalars.at("rw");
      ro.window = parse_window(name);
      const ChiQ chiq = xftr(chir.r_A, chir.chir, ro);
      std::vector<double> q_re, q_im;
      for (const auto& v : chiq.chiq) {
        q_re.push_back(v.real());
        q_im.push_back(v.imag());
      }
      REQUIRE(chiq.q_invA.size() == ref.column("chiq", "q").size());
      const double qre_diff = max_scaled_difference(q_re, ref.column("chiq", "chiq_re"));
      const double qim_diff = max_scaled_difference(q_im, ref.column("chiq", "chiq_im"));
      const double q_diff = max_scaled_difference(chiq.q_invA, ref.column("chiq", "q"));
      std::printf("xafs-ft-vs-larch %-8s kwin %.1e  chir re %.1e im %.1e  chiq re %.1e im %.1e\n", name, win_diff,
                  re_diff, im_diff, qre_diff, qim_diff);
      CHECK(q_diff < 1e-15);
      CHECK(qre_diff < 1e-12);
      CHECK(qim_diff < 1e-12);
    }
  }
}

TEST_CASE("xftf of a single sine wave peaks at its distance (analytic)", "[xafs][analytic]") {
  // chi = sin(2kR0) with R0 = 2.5 Å: |chi(R)| peaks at the grid point nearest R0.
  std::vector<double> k, chi;
  for (int i = 0; i <= 400; ++i) {
    k.push_back(0.05 * i);
    chi.push_back(std::sin(2 * k.back() * 2.5));
  }
  XftfOptions o;
  o.kmin_invA = 3;
  o.kmax_invA = 17;
  o.window = WindowKind::kHanning;
  const auto mag = xftf(k, chi, o).magnitude();
  const auto peak = std::distance(mag.begin(), std::max_element(mag.begin(), mag.end()));
  const double dr = std::numbers::pi / (0.05 * 2048);
  CHECK(std::abs(static_cast<double>(peak) * dr - 2.5) <= dr / 2 + 1e-12);  // within half a grid step
}

TEST_CASE("xftr inverts xftf inside the window (identity)", "[xafs][identity]") {
  // With wide windows in R, back-transforming chi(R) recovers the windowed k-weighted chi(k)
  // (Re of chi(q) for complex input); agreement is limited by the R window's leakage: 1e-3.
  std::vector<double> k, chi;
  for (int i = 0; i <= 400; ++i) {
    k.push_back(0.05 * i);
    chi.push_back(std::sin(2 * k.back() * 2.2) * std::exp(-0.01 * k.back() * k.back()));
  }
  XftfOptions fo;
  fo.kmin_invA = 2;
  fo.kmax_invA = 18;
  fo.dk_invA = 2;
  fo.window = WindowKind::kHanning;
  fo.rmax_out_A = 30;
  const ChiR chir = xftf(k, chi, fo);
  XftrOptions ro;
  ro.rmin_A = 0.5;
  ro.rmax_A = 6.0;
  ro.dr_A = 0.5;
  ro.window = WindowKind::kHanning;
  const ChiQ chiq = xftr(chir.r_A, chir.chir, ro);
  for (std::size_t i = 100; i <= 300; i += 20) {
    INFO("q = " << chiq.q_invA[i]);
    CHECK_THAT(chiq.chiq[i].real(), Catch::Matchers::WithinAbs(chi[i], 2e-3));
  }
}

TEST_CASE("windows: analytic values and errors", "[xafs][analytic]") {
  std::vector<double> x;
  for (int i = 0; i < 400; ++i) x.push_back(0.05 * i);
  const auto w = ft_window(x, 3.0, 12.0, 1.0, 1.0, WindowKind::kHanning);
  CHECK(w[0] == 0.0);
  CHECK(w[100] == 1.0);   // k = 5, inside the plateau
  CHECK(w[399] == 0.0);
  // k = 3.0 is the taper midpoint: sin²(π/4) = 1/2 up to the 1e-4·step offset Larch adds.
  CHECK_THAT(w[60], Catch::Matchers::WithinAbs(0.5, 1e-4));
  CHECK_THROWS_AS(parse_window("triangle"), InputError);
  CHECK(parse_window("Kaiser-Bessel") == WindowKind::kKaiser);
}

TEST_CASE("cauchy_wavelet equals Larch", "[xafs][reference]") {
  const auto ref = test::read_larch_fixture(transforms_dir() / "cauchy.csv");
  std::vector<double> k, chi;
  for (int i = 0; i <= 320; ++i) {
    k.push_back(0.05 * i);
    chi.push_back(std::sin(2 * 2.55 * k.back()) * std::exp(-0.01 * k.back() * k.back()) / (1 + k.back()));
  }
  const CauchyWavelet w = cauchy_wavelet(k, chi, 2.0, 6.0);
  REQUIRE(w.r_A.size() == static_cast<std::size_t>(ref.scalars.at("nr")));
  const auto& ir = ref.column("wavelet", "ir");
  const auto& ik = ref.column("wavelet", "ik");
  std::vector<double> re, im;
  for (std::size_t i = 0; i < ir.size(); ++i) {
    const auto v = w.at(static_cast<std::size_t>(ir[i]), static_cast<std::size_t>(ik[i]));
    re.push_back(v.real());
    im.push_back(v.imag());
  }
  const double re_diff = max_scaled_difference(re, ref.column("wavelet", "re"));
  const double im_diff = max_scaled_difference(im, ref.column("wavelet", "im"));
  std::printf("xafs-wavelet-vs-larch re %.1e im %.1e\n", re_diff, im_diff);
  // Same formula; round-off from FFTs and from numpy's own log/exp: docs/physics.md §9 asks 1e-12.
  CHECK(re_diff < 1e-12);
  CHECK(im_diff < 1e-12);
  // |W| peaks near the test wave's distance 2.55 Å.
  double best = 0;
  std::size_t best_r = 0;
  for (std::size_t i = 0; i < w.r_A.size(); ++i)
    for (std::size_t m = 0; m < w.k_invA.size(); ++m)
      if (std::abs(w.at(i, m)) > best) {
        best = std::abs(w.at(i, m));
        best_r = i;
      }
  CHECK_THAT(w.r_A[best_r], Catch::Matchers::WithinAbs(2.55, 0.1));  // the wavelet's r resolution
}
