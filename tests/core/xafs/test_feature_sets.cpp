// Named feature sets (core/xafs/feature_sets): R-space blocks equal Larch's xftf on Larch's own
// chi(k) (fixtures: tests/reference/xafs/spectra/, scripts/regen_xafs_reference.py), peaks of a
// known two-shell signal, the block layout and the parse errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "core/error.hpp"
#include "core/xafs/feature_sets.hpp"
#include "tests/core/xafs/larch_fixture.hpp"
#include "tests/test_paths.hpp"

using namespace xasforge;
using namespace xasforge::xafs;
using xasforge::test::max_scaled_difference;

TEST_CASE("R-space feature blocks equal Larch's xftf of the same chi(k)", "[xafs][features][reference]") {
  for (const char* name : {"Fe2O3_rt_01", "Cu_Foil_rt_2016Foils", "ZnO"}) {
    SECTION(name) {
      const auto ref = test::read_larch_fixture(test::reference_dir() / "xafs" / "spectra" / (std::string(name) + ".csv"));
      // The fixture's chi(R): xftf(kmin 3, kmax 12, dk 1, hanning, kweight 2) on Larch's R grid.
      FeatureSetSpec spec = parse_feature_set("chir_mag,chir_re,chir_im", 2);
      spec.rmin_A = 0.0;
      spec.r_step_A = std::numbers::pi / 102.4;
      spec.rmax_A = 200 * spec.r_step_A;  // 201 points, 0 … 6.14 Å
      const auto f = compute_feature_set(spec, ref.column("chi", "k"), ref.column("chi", "chi"), name);
      REQUIRE(f.size() == 3 * 201);
      REQUIRE(feature_set_size(spec) == f.size());
      const auto& mag = ref.column("chir", "chir_mag");
      const auto& re = ref.column("chir", "chir_re");
      const auto& im = ref.column("chir", "chir_im");
      const std::vector<double> a(f.begin(), f.begin() + 201), b(f.begin() + 201, f.begin() + 402), c(f.begin() + 402, f.end());
      // The grids coincide, so sampling is exact up to the interpolation fraction's round-off;
      // the transform is core/xafs's xftf (tested against Larch at 1e-12 in test_transforms):
      // the same 1e-12 of the largest value applies.
      CHECK(max_scaled_difference(a, std::vector<double>(mag.begin(), mag.begin() + 201)) < 1e-12);
      CHECK(max_scaled_difference(b, std::vector<double>(re.begin(), re.begin() + 201)) < 1e-12);
      CHECK(max_scaled_difference(c, std::vector<double>(im.begin(), im.begin() + 201)) < 1e-12);
    }
  }
}

TEST_CASE("peaks block finds the shells of a two-shell signal", "[xafs][features][analytic]") {
  // chi(k) = [2 sin(2kR1) + sin(2kR2)]·e^{-2σ²k²}/k with R1 = 2.0, R2 = 3.4 Å and no phase
  // shift: |chi(R)| of k·chi peaks at R1 and R2, within the R resolution π/(2Δk) of the
  // 3–12 Å⁻¹ window (0.17 Å).
  std::vector<double> k, chi;
  for (int i = 0; i <= 400; ++i) {
    const double q = 0.05 * i;
    k.push_back(q);
    const double damp = std::exp(-2 * 0.003 * q * q);
    chi.push_back(q == 0 ? 0.0 : (2.0 * std::sin(2 * q * 2.0) + std::sin(2 * q * 3.4)) * damp / q);
  }
  FeatureSetSpec spec = parse_feature_set("peaks:1");
  spec.n_peaks = 2;
  const auto f = compute_feature_set(spec, k, chi);
  REQUIRE(f.size() == 4);
  CHECK_THAT(f[0], Catch::Matchers::WithinAbs(2.0, 0.17));
  CHECK_THAT(f[2], Catch::Matchers::WithinAbs(3.4, 0.17));
  CHECK(f[1] > f[3]);  // the first shell has twice the amplitude
  // No peak at all (chi = 0): every missing peak is (r max, 0).
  spec.n_peaks = 3;
  const auto g = compute_feature_set(spec, k, std::vector<double>(k.size(), 0.0));
  CHECK(g == std::vector<double>{6.0, 0.0, 6.0, 0.0, 6.0, 0.0});
}

TEST_CASE("feature set layout, wavelet and chik blocks, and errors", "[xafs][features]") {
  FeatureSetSpec spec = parse_feature_set("chir_mag:1, chik:3 ,wavelet,peaks", 2);
  REQUIRE(spec.blocks.size() == 4);
  CHECK(spec.blocks[0].kweight == 1);
  CHECK(spec.blocks[2].kweight == 2);
  CHECK(spec.blocks_text() == "chir_mag:1,chik:3,wavelet:2,peaks:2");
  CHECK(parse_feature_set(spec.blocks_text()).blocks == spec.blocks);
  const std::size_t nr = 201, nk = 91;  // R 0…6 by 0.03; k 3…12 by 0.1
  CHECK(feature_set_size(spec) == nr + nk + (nr + nk) + 8);
  CHECK(feature_set_labels(spec).size() == feature_set_size(spec));
  CHECK(feature_set_abscissae(spec).size() == feature_set_size(spec));
  CHECK(feature_set_labels(spec)[nr] == "chik:3@3.000");

  std::vector<double> k, chi;
  for (int i = 0; i <= 360; ++i) {
    k.push_back(0.05 * i);
    chi.push_back(std::sin(2 * 2.5 * k.back()) * std::exp(-0.01 * k.back() * k.back()) / (1 + k.back()));
  }
  const auto f = compute_feature_set(spec, k, chi);
  REQUIRE(f.size() == feature_set_size(spec));
  // chik: k^3 chi(k) at k = 5 Å⁻¹ (a grid point of the input: exact up to round-off).
  CHECK_THAT(f[nr + 20], Catch::Matchers::WithinRel(125.0 * chi[100], 1e-12));
  // Wavelet R projection peaks near the wave's distance 2.5 Å (its r resolution ~0.1 Å).
  std::size_t best = 0;
  for (std::size_t i = 0; i < nr; ++i)
    if (f[nr + nk + i] > f[nr + nk + best]) best = i;
  CHECK_THAT(0.03 * static_cast<double>(best), Catch::Matchers::WithinAbs(2.5, 0.15));
  // A spectrum ending early (NaN past k = 10) uses its finite part, as the campaign's xftf stage.
  auto cut = chi;
  for (std::size_t i = 201; i < cut.size(); ++i) cut[i] = std::nan("");
  CHECK_NOTHROW(compute_feature_set(spec, k, cut));

  CHECK_THROWS_WITH(parse_feature_set("chir_mag,fourier"), Catch::Contains("unknown block 'fourier'"));
  CHECK_THROWS_WITH(parse_feature_set("chir_mag:5"), Catch::Contains("k-weight must be 0, 1, 2 or 3"));
  CHECK_THROWS_WITH(parse_feature_set("chir_mag:2,chir_mag:2"), Catch::Contains("listed twice"));
  CHECK_THROWS_WITH(parse_feature_set(" , "), Catch::Contains("names no block"));
  CHECK_THROWS_WITH(compute_feature_set(spec, {1, 2, 3}, {1, 2, 3}, "tiny.chi"), Catch::Contains("tiny.chi: chi(k) has fewer than 4"));
  CHECK_THROWS_WITH(compute_feature_set(spec, {0, 1, 1, 2, 3}, {0, 1, 2, 3, 4}, "flat.chi"), Catch::Contains("not increasing"));
}
