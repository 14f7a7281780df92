// Column-file readers, the mu expression language, error messages for bad files, and features.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>

#include "core/error.hpp"
#include "core/xafs/column_file.hpp"
#include "core/xafs/larch_conventions.hpp"
#include "core/xafs/measured_spectrum.hpp"
#include "core/xafs/mu_expression.hpp"
#include "core/xafs/reduction.hpp"
#include "core/xafs/spectral_features.hpp"
#include "tests/input_error_text.hpp"
#include "tests/test_paths.hpp"

using namespace xasforge;
using namespace xasforge::xafs;
using Catch::Matchers::Contains;
using test::input_error_of;

namespace {
std::filesystem::path experimental(const std::string& name) { return test::experimental_dir() / name; }

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::path(test::binary_dir()) / ("xafs_test_" + name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("XDI reader: version; fields; labels; comments", "[xafs][readers]") {
  const ColumnFile f = read_column_file(experimental("V_foil.xdi"));
  CHECK(f.is_xdi);
  CHECK(f.xdi_version == "1.1");  // "#XDI/1.1  Epics StepScan File / 2.0"
  REQUIRE(f.labels.size() == 4);
  CHECK(f.labels[0] == "energy");
  CHECK(f.labels[2] == "i0");
  CHECK(f.labels[3] == "itrans");
  CHECK(f.fields.count("Element.symbol") == 1);
  CHECK(f.fields.at("Element.symbol") == "V");
  CHECK(f.column_index("col3") == 2);
  CHECK(f.column_index("ITRANS") == 3);
  CHECK(f.line_numbers.front() == 53);  // 52 header lines (the last names the columns)
  CHECK(f.columns[0].front() == 5385.0);
  CHECK_THAT(input_error_of([&] { (void)f.column_index("iref"); }), Contains("V_foil.xdi") && Contains("itrans"));

  const ColumnFile cu = read_column_file(experimental("cu_metal_10K.xdi"));
  CHECK_FALSE(cu.comments.empty());  // this file carries user comments after "///"
}

TEST_CASE("plain column files: free header; label line; spaces in names", "[xafs][readers]") {
  const ColumnFile aps = read_column_file(experimental("APS10BM_2019.dat"));
  CHECK_FALSE(aps.is_xdi);
  REQUIRE(aps.labels.size() == 5);
  CHECK(aps.labels[1] == "Io");
  CHECK(aps.line_numbers.front() == 19);  // 17 header lines, then the label line
  CHECK(aps.n_rows() == 3464);

  const MeasuredSpectrum cr = load_measured_spectrum(experimental("Cr foil Cr K.dat"), "col1", "col2");
  CHECK(cr.mu.front() == -1.089339585595040072);
  CHECK(cr.warnings.empty());

  // The three repeated first energies are reported, as a warning, with their line.
  const MeasuredSpectrum mn = load_measured_spectrum(experimental("APS10BM_2019.dat"), "col1", "ln(col2/col3)");
  REQUIRE(mn.warnings.size() == 1);
  CHECK_THAT(mn.warnings[0], Contains("APS10BM_2019.dat:20") && Contains("2 repeated"));
  // XDI defaults: energy and mu from the labels.
  const MeasuredSpectrum v = load_measured_spectrum(experimental("V_foil.xdi"));
  CHECK(v.mu_expression == "ln(i0/itrans)");
  CHECK(v.mu[0] == std::log(1.1851400e+05 / 1.9751400e+05));
}

TEST_CASE("mu expressions", "[xafs][readers]") {
  const auto path = write_temp("expr.dat", "# energy i0 it if\n1 2 4 8\n2 3 9 27\n");
  const ColumnFile f = read_column_file(path);
  CHECK(MuExpression("ln(i0/it)").evaluate(f)[1] == std::log(3.0 / 9.0));
  CHECK(MuExpression("if/i0").evaluate(f)[0] == 4.0);
  CHECK(MuExpression("-(col2 + 2*col3) - 1").evaluate(f)[0] == -11.0);
  CHECK(MuExpression("log(col4) ").evaluate(f)[1] == std::log(27.0));
  CHECK_THAT(input_error_of([] { MuExpression("ln(i0/it"); }), Contains("missing ')'"));
  CHECK_THAT(input_error_of([] { MuExpression("sin(i0)"); }), Contains("unknown function 'sin'"));
  CHECK_THAT(input_error_of([] { MuExpression("i0 $ it"); }), Contains("character 4"));
  CHECK_THAT(input_error_of([&] { MuExpression("ln(i0/itrans)").evaluate(f); }), Contains("xafs_test_expr.dat") && Contains("itrans"));
  CHECK_THAT(input_error_of([&] { MuExpression("col9").evaluate(f); }), Contains("4 columns"));
}

TEST_CASE("bad files give errors naming file and line", "[xafs][readers]") {
  const auto text = write_temp("text.dat", "# nothing here\nenergy mu\nabc def\n");
  CHECK_THAT(input_error_of([&] { load_measured_spectrum(text); }), Contains("xafs_test_text.dat:1-3") && Contains("no numeric data"));

  const auto ragged = write_temp("ragged.dat", "# e mu\n1 2\n2 3\n3 4 5\n4 5\n");
  CHECK_THAT(input_error_of([&] { load_measured_spectrum(ragged, "col1", "col2"); }), Contains("xafs_test_ragged.dat:4"));

  const auto few = write_temp("few.dat", "# energy mu\n1 2\n2 3\n3 4\n");
  CHECK_THAT(input_error_of([&] { load_measured_spectrum(few); }), Contains("xafs_test_few.dat:2-4") && Contains("only 3 data points"));

  std::string flat_text = "# energy i0 it\n";
  for (int i = 0; i < 200; ++i) flat_text += std::to_string(8000 + 5 * i) + " 1000 500\n";
  const auto no_mu = write_temp("nomu.dat", "# energy a b\n" + flat_text.substr(flat_text.find('\n') + 1));
  CHECK_THAT(input_error_of([&] { load_measured_spectrum(no_mu); }), Contains("xafs_test_nomu.dat:2-201") && Contains("no mu column"));

  const auto flat = write_temp("flat.dat", flat_text);
  const MeasuredSpectrum s = load_measured_spectrum(flat, "", "ln(i0/it)");
  CHECK_THAT(input_error_of([&] { reduce_spectrum(s); }), Contains("xafs_test_flat.dat:2-201") && Contains("no absorption edge"));

  const auto negative = write_temp("neg.dat", "# energy i0 it\n" + std::string("1 1 -1\n") + flat_text.substr(15));
  CHECK_THAT(input_error_of([&] { load_measured_spectrum(negative, "", "ln(i0/it)"); }), Contains("xafs_test_neg.dat:2"));
  CHECK_THAT(input_error_of([] { read_column_file("/nonexistent/spectrum.xdi"); }), Contains("/nonexistent/spectrum.xdi"));
}

TEST_CASE("remove_duplicates follows Larch's remove_dups", "[xafs][analytic]") {
  std::size_t changed = 0;
  const auto out = remove_duplicates({0.0, 1.1, 2.2, 2.2, 3.3, 3.0}, &changed);
  CHECK(changed == 2);
  CHECK(out[3] == 2.2 + 1e-7);
  CHECK(out[5] == out[4] + std::max(1e-7, 1e-6 * std::abs(3.0 - 3.3)));  // decreasing: pushed above 3.3
}

TEST_CASE("features: Larch R grid; k grid; wavelet; normalisations", "[xafs][features]") {
  const MeasuredSpectrum s = load_measured_spectrum(experimental("Cu_Foil_rt_2016Foils.xdi"), "col1", "ln(col3/col2)");
  const ReductionResult r = reduce_spectrum(s);
  const auto f = chir_magnitude_features(r.chir);
  REQUIRE(f.size() == 326);
  CHECK_THAT(r.chir.r_A.back(), Catch::Matchers::WithinAbs(325 * 3.14159265358979323846 / 102.4, 1e-12));
  // Cu fcc: the first-shell peak of |chi(R)| (phase-shifted) lies between 1.8 and 2.5 Å.
  const auto peak = std::distance(f.begin(), std::max_element(f.begin(), f.end()));
  CHECK(r.chir.r_A[static_cast<std::size_t>(peak)] > 1.8);
  CHECK(r.chir.r_A[static_cast<std::size_t>(peak)] < 2.5);

  const auto mm = chir_magnitude_features(r.chir, FeatureNormalization::kMinMax);
  CHECK(*std::min_element(mm.begin(), mm.end()) == 0.0);
  CHECK(*std::max_element(mm.begin(), mm.end()) == 1.0);
  const auto mean = normalize_features({1.0, 2.0, 6.0}, FeatureNormalization::kMean);
  CHECK_THAT(mean[0], Catch::Matchers::WithinAbs((1.0 - 3.0) / 5.0, 1e-15));
  CHECK(normalize_features({2.0, 2.0}, FeatureNormalization::kMinMax) == std::vector<double>{0.0, 0.0});
  CHECK(parse_feature_normalization("min-max") == FeatureNormalization::kMinMax);
  CHECK_THROWS_AS(parse_feature_normalization("zscore"), InputError);

  // On Larch's own grid the interpolation returns the values; between points it interpolates.
  const auto on_grid = chir_magnitude_on_grid(r.chir, {r.chir.r_A[10], r.chir.r_A[200], 0.5 * (r.chir.r_A[5] + r.chir.r_A[6])});
  CHECK(on_grid[0] == f[10]);
  CHECK(on_grid[1] == f[200]);
  CHECK_THAT(on_grid[2], Catch::Matchers::WithinRel(0.5 * (f[5] + f[6]), 1e-12));  // midpoint: the mean, up to round-off
  CHECK_THROWS_AS(chir_magnitude_on_grid(r.chir, {12.0}), InputError);

  const auto kf = chi_k_features(r.autobk.k_invA, r.autobk.chi, 2.0, 12.0, 0.05, 2.0);
  REQUIRE(kf.size() == 201);
  // On the autobk grid itself the interpolation is exact: k = 5.0 is point 100 of the chi grid.
  CHECK_THAT(kf[60], Catch::Matchers::WithinRel(r.autobk.chi[100] * 25.0, 1e-12));

  const CauchyWavelet w = cauchy_wavelet(r.autobk.k_invA, r.autobk.chi, 2.0, 6.0);
  const auto wf = wavelet_features(w, FeatureNormalization::kMinMax);
  CHECK(wf.size() == w.r_A.size() + w.k_invA.size());
}

TEST_CASE("XDI defaults from column labels give the manifest's mu", "[xafs][readers]") {
  // Every XDI file in the manifest: energy and mu chosen from the labels equal those formed
  // from the manifest's colN expression (the same numbers through the same operations: exact).
  std::ifstream in(test::experimental_dir() / "manifest.csv");
  std::string line;
  std::getline(in, line);
  int n_xdi = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> items;
    std::stringstream ss(line);
    std::string item;
    for (int i = 0; i < 7 && std::getline(ss, item, ','); ++i) items.push_back(item);
    if (items.size() < 7 || items[0].size() < 4 || items[0].substr(items[0].size() - 4) != ".xdi") continue;
    INFO(items[0]);
    const MeasuredSpectrum by_label = load_measured_spectrum(experimental(items[0]));
    const MeasuredSpectrum by_column = load_measured_spectrum(experimental(items[0]), items[5], items[6]);
    CHECK(by_label.energy_eV == by_column.energy_eV);
    CHECK(by_label.mu == by_column.mu);
    ++n_xdi;
  }
  CHECK(n_xdi == 14);
}
