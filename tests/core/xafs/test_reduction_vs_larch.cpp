// Reduction of every measured spectrum in ../shared/data/experimental against Larch 0.9.58
// (fixtures: tests/reference/xafs/spectra/, written by scripts/regen_xafs_reference.py).
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/xafs/measured_spectrum.hpp"
#include "core/xafs/reduction.hpp"
#include "tests/core/xafs/larch_fixture.hpp"
#include "tests/test_paths.hpp"

using namespace xasforge;
using namespace xasforge::xafs;
using xasforge::test::max_scaled_difference;
using xasforge::test::r_factor;

namespace {

struct ManifestRow {
  std::string file, energy_column, mu_expression;
};

std::vector<ManifestRow> read_manifest() {
  std::ifstream in(test::experimental_dir() / "manifest.csv");
  REQUIRE(in.good());
  std::string line;
  std::getline(in, line);  // header
  std::vector<ManifestRow> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> items;
    std::stringstream ss(line);
    std::string item;
    for (int i = 0; i < 7 && std::getline(ss, item, ','); ++i) items.push_back(item);  // no quotes before column 8
    REQUIRE(items.size() == 7);
    rows.push_back({items[0], items[5], items[6]});
  }
  return rows;
}

std::string stem_of(const std::string& file) {
  std::string stem = file.substr(0, file.rfind('.'));
  for (char& c : stem)
    if (c == ' ') c = '_';
  return stem;
}

}  // namespace

TEST_CASE("pre_edge + autobk + xftf match Larch 0.9.58 on every measured spectrum", "[xafs][reference]") {
  const auto rows = read_manifest();
  REQUIRE(rows.size() == 16);
  for (const auto& row : rows) {
    SECTION(row.file) {
      const auto ref = test::read_larch_fixture(test::reference_dir() / "xafs" / "spectra" / (stem_of(row.file) + ".csv"));
      const MeasuredSpectrum s = load_measured_spectrum(test::experimental_dir() / row.file,
                                                        row.energy_column, row.mu_expression);
      const auto& e_ref = ref.column("energy", "energy");
      REQUIRE(s.energy_eV.size() == e_ref.size());
      // The file's numbers reach both programs through strtod; mu through the same log/division.
      CHECK(max_scaled_difference(s.mu, ref.column("energy", "mu")) < 1e-14);

      const ReductionResult r = reduce_spectrum(s);
      const double de0 = r.pre_edge.e0_eV - ref.scalars.at("e0");
      const double step_rel = std::abs(r.pre_edge.edge_step / ref.scalars.at("edge_step") - 1);
      const double norm_diff = max_scaled_difference(r.pre_edge.norm, ref.column("energy", "norm"));
      const double flat_diff = max_scaled_difference(r.pre_edge.flat, ref.column("energy", "flat"));
      const double bkg_diff = max_scaled_difference(r.autobk.bkg, ref.column("energy", "bkg"));
      const double dchi_diff = max_scaled_difference(r.autobk.delta_chi, ref.column("chi", "delta_chi"));
      const double dbkg_diff = max_scaled_difference(r.autobk.delta_bkg, ref.column("energy", "delta_bkg"));
      const auto& k_ref = ref.column("chi", "k");
      const double chi_rf = r_factor(k_ref, r.autobk.chi, ref.column("chi", "chi"), 3.0, 12.0, 2.0);
      const double chi_diff = max_scaled_difference(r.autobk.chi, ref.column("chi", "chi"));
      const auto& r_ref = ref.column("chir", "r");
      const double chir_rf = r_factor(r_ref, r.chir.magnitude(), ref.column("chir", "chir_mag"), 1.0, 4.0);
      std::printf("xafs-vs-larch %-26s dE0 = %.2g eV  step %.1e  norm %.1e  flat %.1e  nspl %d/%g irbkg %d/%g  "
                  "bkg %.1e  delta_chi %.1e delta_bkg %.1e  chi max %.1e  R(chi,k2,3-12) %.1e  R(|chiR|,1-4) %.1e  warnings %zu\n",
                  row.file.c_str(), de0, step_rel, norm_diff, flat_diff, r.autobk.nspl, ref.scalars.at("nspl"),
                  r.autobk.irbkg, ref.scalars.at("irbkg"), bkg_diff, dchi_diff, dbkg_diff, chi_diff, chi_rf, chir_rf, s.warnings.size());

      // E0 is a grid energy chosen by the same rule: it must be the same grid point (0.5 eV is the
      // issue's bound; identical is what docs/physics.md §9 asks).
      CHECK(std::abs(de0) < 1e-9);
      // pre_edge is closed-form least squares: only round-off separates the two (docs/physics.md §9: 1e-8).
      CHECK(step_rel < 1e-8);
      CHECK(norm_diff < 1e-8);
      // Larch flattens with an iterative fit stopped at ftol = xtol = 1e-6; ours is the exact
      // least-squares solution, so agreement is bounded by Larch's stopping rule (measured <= 3e-7).
      CHECK(flat_diff < 1e-6);
      CHECK(r.autobk.nspl == static_cast<int>(ref.scalars.at("nspl")));
      CHECK(r.autobk.irbkg == static_cast<int>(ref.scalars.at("irbkg")));
      REQUIRE(r.autobk.k_invA.size() == k_ref.size());
      // autobk: the same MINPACK Levenberg-Marquardt from the same start; measured max difference
      // <= 1.3e-10 of max|chi|. docs/physics.md §9 allows 1e-3; 1e-6 leaves room for other FFT/BLAS
      // round-off changing the optimiser's path. The issue bounds the R-factors at 0.01; measured
      // <= 1e-23, held here at 1e-10.
      CHECK(chi_diff < 1e-6);
      CHECK(bkg_diff < 1e-6);  // mu0(E) relative to max |mu|, same optimiser argument; measured <= 1.4e-10
      CHECK(chi_rf < 1e-10);
      CHECK(chir_rf < 1e-10);
      // Uncertainty bands: Larch's finite differences of a linear map and its covariance from
      // MINPACK's final QR, reproduced step by step; 1e-6 of the largest band as for chi.
      CHECK(dchi_diff < 1e-6);
      CHECK(dbkg_diff < 1e-6);
      CHECK(chi_rf <= 0.01);
      CHECK(chir_rf <= 0.01);
    }
  }
}

TEST_CASE("pre_edge + autobk + xftf with non-default arguments match Larch", "[xafs][reference]") {
  struct Case {
    const char* name;
    const char* file;
    const char* mu;
    ReductionOptions options;
  };
  std::vector<Case> cases;
  {
    ReductionOptions o;  // arguments as in OPTION_CASES of scripts/regen_xafs_reference.py
    o.pre_edge.pre1_eV = -150;
    o.pre_edge.pre2_eV = -40;
    o.pre_edge.norm1_eV = 120;
    o.pre_edge.norm2_eV = 700;
    o.pre_edge.nnorm = 2;
    o.pre_edge.nvict = 1;
    o.autobk.rbkg_A = 1.2;
    o.autobk.kmin_invA = 0.5;
    o.autobk.kmax_invA = 13.0;
    o.autobk.kweight = 1;
    o.autobk.dk_invA = 0.5;
    o.autobk.window = WindowKind::kKaiser;
    o.autobk.nclamp = 2;
    o.autobk.clamp_lo = 1;
    o.autobk.clamp_hi = 2;
    o.xftf.kmin_invA = 2.5;
    o.xftf.kmax_invA = 11.5;
    o.xftf.dk_invA = 2;
    o.xftf.window = WindowKind::kWelch;
    o.xftf.kweight = 3;
    cases.push_back({"cu_foil_options", "Cu_Foil_rt_2016Foils.xdi", "ln(col3/col2)", o});
  }
  {
    ReductionOptions o;
    o.pre_edge.e0_eV = 9662.0;
    o.pre_edge.nnorm = 1;
    o.autobk.rbkg_A = 0.9;
    o.autobk.kmax_invA = 10.0;
    o.autobk.kweight = 3;
    o.autobk.nknots = 12;
    o.xftf.kmin_invA = 2;
    o.xftf.kmax_invA = 9.5;
    o.xftf.dk_invA = 1;
    o.xftf.window = WindowKind::kParzen;
    o.xftf.kweight = 1;
    cases.push_back({"zno_options", "ZnO.xdi", "ln(col2/col3)", o});
  }
  for (const auto& c : cases) {
    SECTION(c.name) {
      const auto ref = test::read_larch_fixture(test::reference_dir() / "xafs" / "options" / (std::string(c.name) + ".csv"));
      const MeasuredSpectrum s = load_measured_spectrum(test::experimental_dir() / c.file, "col1", c.mu);
      const ReductionResult r = reduce_spectrum(s, c.options);
      const double norm_diff = max_scaled_difference(r.pre_edge.norm, ref.column("energy", "norm"));
      const double flat_diff = max_scaled_difference(r.pre_edge.flat, ref.column("energy", "flat"));
      const double bkg_diff = max_scaled_difference(r.autobk.bkg, ref.column("energy", "bkg"));
      const double chi_diff = max_scaled_difference(r.autobk.chi, ref.column("chi", "chi"));
      const double re_diff = max_scaled_difference(r.chir.real(), ref.column("chir", "chir_re"));
      const double im_diff = max_scaled_difference(r.chir.imag(), ref.column("chir", "chir_im"));
      std::printf("xafs-options-vs-larch %-16s norm %.1e flat %.1e bkg %.1e chi %.1e chir re %.1e im %.1e "
                  "nspl %d irbkg %d\n", c.name, norm_diff, flat_diff, bkg_diff, chi_diff, re_diff, im_diff,
                  r.autobk.nspl, r.autobk.irbkg);
      CHECK(r.pre_edge.e0_eV == ref.scalars.at("e0"));  // a grid value, chosen by the same rule
      CHECK(r.pre_edge.nnorm == static_cast<int>(ref.scalars.at("nnorm")));
      CHECK(r.autobk.nspl == static_cast<int>(ref.scalars.at("nspl")));
      CHECK(r.autobk.irbkg == static_cast<int>(ref.scalars.at("irbkg")));
      REQUIRE(r.autobk.k_invA.size() == ref.column("chi", "k").size());
      // Tolerances as in the default-settings test above (docs/physics.md §9; measured values printed).
      CHECK(norm_diff < 1e-8);
      CHECK(flat_diff < 1e-6);
      CHECK(bkg_diff < 1e-6);
      CHECK(chi_diff < 1e-6);
      CHECK(re_diff < 1e-6);
      CHECK(im_diff < 1e-6);
    }
  }
}

TEST_CASE("autobk with a standard chi(k) matches Larch", "[xafs][reference]") {
  // Larch subtracts the interpolated standard from chi before the chi(R) minimisation and the
  // clamps (fixture: options/zno_chi_std.csv; standard = half of ZnO's own chi, every 3rd point).
  const auto ref = test::read_larch_fixture(test::reference_dir() / "xafs" / "options" / "zno_chi_std.csv");
  const MeasuredSpectrum s = load_measured_spectrum(test::experimental_dir() / "ZnO.xdi", "col1",
                                                    "ln(col2/col3)");
  ReductionOptions o;
  o.autobk.k_std_invA = ref.column("std", "k");
  o.autobk.chi_std = ref.column("std", "chi");
  const ReductionResult r = reduce_spectrum(s, o);
  const double chi_diff = max_scaled_difference(r.autobk.chi, ref.column("chi", "chi"));
  std::printf("xafs-chi-std-vs-larch chi %.1e\n", chi_diff);
  REQUIRE(r.autobk.chi.size() == ref.column("chi", "chi").size());
  CHECK(chi_diff < 1e-6);  // as for the other autobk comparisons

  ReductionOptions bad = o;
  bad.autobk.chi_std.pop_back();
  CHECK_THROWS_AS(reduce_spectrum(s, bad), InputError);
}
