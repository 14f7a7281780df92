// `xasforge reduce FILE -o PREFIX`: Larch-style reduction of a measured mu(E) (pre_edge, autobk,
// xftf; core/xafs, docs/physics.md §6) written as three CSV files.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <vector>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "core/xafs/measured_spectrum.hpp"
#include "core/xafs/reduction.hpp"
#include "workflows/cli/commands.hpp"
#include "workflows/cli/reduce_command.hpp"

namespace xasforge::cli {
namespace {

struct ReduceOptions {
  std::string file;
  std::string energy_column;
  std::string mu_expression;
  std::string prefix;
  double rbkg_A = 1.0;
  double kweight = 2.0;
  double kmin_invA = 3.0;
  double kmax_invA = 12.0;
  double dk_invA = 1.0;
  std::string window = "hanning";
  double bkg_kmin_invA = 0.0;
  double bkg_kmax_invA = -1.0;  // < 0: the last data point
  int repeat = 0;
  int digits = 10;
};

int g_digits = 10;  // significant digits of the CSV numbers (--digits), set by run_reduce

std::string number(double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.*g", g_digits, v);
  return buffer;
}

std::ofstream open_output(const std::string& path) {
  std::ofstream out(path);
  if (!out) throw InputError(path + ": cannot open for writing");
  return out;
}

void write_header(std::ofstream& out, const ReduceOptions& o, const xafs::MeasuredSpectrum& s,
                  const xafs::ReductionResult& r) {
  out << "# xasforge reduce " << s.path << " (energy " << s.energy_column << ", mu " << s.mu_expression << ")\n";
  out << "# e0 = " << number(r.pre_edge.e0_eV) << "\n";
  out << "# edge_step = " << number(r.pre_edge.edge_step) << "\n";
  out << "# pre_edge: pre1 = " << number(r.pre_edge.pre1_eV) << ", pre2 = " << number(r.pre_edge.pre2_eV)
      << ", norm1 = " << number(r.pre_edge.norm1_eV) << ", norm2 = " << number(r.pre_edge.norm2_eV)
      << ", nnorm = " << r.pre_edge.nnorm << "\n";
  out << "# autobk: rbkg = " << number(o.rbkg_A) << ", kweight = " << number(o.kweight)
      << ", kmin = " << number(o.bkg_kmin_invA) << ", kmax = " << number(r.autobk.kmax_invA)
      << ", nknots = " << r.autobk.nspl << ", irbkg = " << r.autobk.irbkg << "\n";
  out << "# xftf: kmin = " << number(o.kmin_invA) << ", kmax = " << number(o.kmax_invA) << ", dk = "
      << number(o.dk_invA) << ", window = " << o.window << ", kweight = " << number(o.kweight) << "\n";
}

xafs::ReductionOptions reduction_options(const ReduceOptions& o) {
  xafs::ReductionOptions ro;
  ro.autobk.rbkg_A = o.rbkg_A;
  ro.autobk.kweight = o.kweight;
  ro.autobk.kmin_invA = o.bkg_kmin_invA;
  if (o.bkg_kmax_invA > 0) ro.autobk.kmax_invA = o.bkg_kmax_invA;
  ro.xftf.kmin_invA = o.kmin_invA;
  ro.xftf.kmax_invA = o.kmax_invA;
  ro.xftf.dk_invA = o.dk_invA;
  ro.xftf.kweight = o.kweight;
  ro.xftf.window = xafs::parse_window(o.window);
  return ro;
}

void run_reduce(const ReduceOptions& o) {
  g_digits = o.digits;
  const xafs::MeasuredSpectrum s = xafs::load_measured_spectrum(o.file, o.energy_column, o.mu_expression);
  for (const auto& w : s.warnings) std::cerr << "xasforge: warning: " << w << '\n';

  const xafs::ReductionOptions ro = reduction_options(o);
  const xafs::SpectrumReducer reducer(ro);
  const xafs::ReductionResult r = reducer.reduce(s);
  if (o.repeat > 0) {
    // Timing of the in-memory chain (pre_edge + autobk + xftf), for benchmarks/xafs_vs_larch.py.
    // Wall time and process CPU time: on a shared machine the CPU time is the robust figure.
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    for (int i = 0; i < o.repeat; ++i) (void)reducer.reduce(s);
    const double cpu_seconds = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("timing %s %.6e s per spectrum (%d repeats); cpu %.6e s per spectrum\n", s.path.c_str(),
                seconds / o.repeat, o.repeat, cpu_seconds / o.repeat);
  }

  {
    auto out = open_output(o.prefix + "_norm.csv");
    write_header(out, o, s, r);
    out << "energy,mu,norm,flat\n";
    for (std::size_t i = 0; i < s.energy_eV.size(); ++i)
      out << number(s.energy_eV[i]) << ',' << number(s.mu[i]) << ',' << number(r.pre_edge.norm[i]) << ','
          << number(r.pre_edge.flat[i]) << '\n';
  }
  {
    auto out = open_output(o.prefix + "_chi.csv");
    write_header(out, o, s, r);
    out << "k,chi\n";
    for (std::size_t i = 0; i < r.autobk.k_invA.size(); ++i)
      out << number(r.autobk.k_invA[i]) << ',' << number(r.autobk.chi[i]) << '\n';
  }
  {
    auto out = open_output(o.prefix + "_chir.csv");
    write_header(out, o, s, r);
    out << "r,chir_mag,chir_re,chir_im\n";
    const auto mag = r.chir.magnitude();
    for (std::size_t i = 0; i < r.chir.r_A.size(); ++i)
      out << number(r.chir.r_A[i]) << ',' << number(mag[i]) << ',' << number(r.chir.chir[i].real()) << ','
          << number(r.chir.chir[i].imag()) << '\n';
  }
  std::printf("%s: e0 = %.3f eV, edge step = %.5g, %d knots; wrote %s_norm.csv, %s_chi.csv, %s_chir.csv\n",
              s.path.c_str(), r.pre_edge.e0_eV, r.pre_edge.edge_step, r.autobk.nspl, o.prefix.c_str(),
              o.prefix.c_str(), o.prefix.c_str());
}

// The options of `xasforge reduce` (shared with the Python module, which may give arrays instead of a file).
void add_reduce_options(CLI::App* sub, const std::shared_ptr<ReduceOptions>& options, bool file_required) {
  if (file_required)
    sub->add_option("file", options->file, "XDI, column file or Athena project (.prj)")->required()->check(CLI::ExistingFile);
  else
    sub->add_option("file", options->file, "XDI, column file or Athena project (.prj)");
  sub->add_option("--energy-column", options->energy_column,
                  "energy column: a label or col1..colN (default: 'energy' label, else col1)");
  sub->add_option("--mu", options->mu_expression,
                  "mu(E): a column or expression, e.g. mu, ln(i0/itrans), ln(col3/col2), if/i0 "
                  "(default: mu/mutrans label, else ln(i0/itrans))");
  sub->add_option("-o,--output", options->prefix, "output prefix: PREFIX_norm.csv, PREFIX_chi.csv, PREFIX_chir.csv")
      ->required();
  sub->add_option("--rbkg", options->rbkg_A, "autobk R_bkg in Angstrom")->capture_default_str();
  sub->add_option("--kweight", options->kweight, "k-weight for autobk and the Fourier transform")->capture_default_str();
  sub->add_option("--kmin", options->kmin_invA, "Fourier transform k min (1/Angstrom)")->capture_default_str();
  sub->add_option("--kmax", options->kmax_invA, "Fourier transform k max (1/Angstrom)")->capture_default_str();
  sub->add_option("--dk", options->dk_invA, "Fourier transform window taper (1/Angstrom)")->capture_default_str();
  sub->add_option("--window", options->window, "hanning, kaiser, parzen, welch, sine or gaussian")->capture_default_str();
  sub->add_option("--bkg-kmin", options->bkg_kmin_invA, "autobk spline k min (1/Angstrom)")->capture_default_str();
  sub->add_option("--bkg-kmax", options->bkg_kmax_invA, "autobk spline k max (1/Angstrom; default: last point)");
  sub->add_option("--digits", options->digits, "significant digits of the CSV numbers (17: every bit)")
      ->capture_default_str()
      ->check(CLI::Range(1, 17));
  sub->add_option("--repeat", options->repeat, "also time the reduction N times and print the mean (benchmarks)");
}

}  // namespace

void add_reduce_command(CLI::App& app) {
  auto options = std::make_shared<ReduceOptions>();
  CLI::App* sub = app.add_subcommand(
      "reduce", "Reduce a measured mu(E) (XDI, column file or Athena project) as Larch does: pre_edge, autobk, xftf");
  add_reduce_options(sub, options, true);
  sub->callback([options] { run_reduce(*options); });
}

ReduceCall reduce_from_arguments(const std::vector<std::string>& arguments, const xafs::MeasuredSpectrum* spectrum) {
  auto options = std::make_shared<ReduceOptions>();
  CLI::App app{"xasforge"};
  CLI::App* sub = app.add_subcommand("reduce");
  add_reduce_options(sub, options, false);
  std::vector<std::string> argv{"reduce"};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  if (std::find(argv.begin(), argv.end(), "-o") == argv.end() && std::find(argv.begin(), argv.end(), "--output") == argv.end()) {
    argv.push_back("-o");
    argv.push_back("unused");  // -o is required by the command; the module writes no files
  }
  std::reverse(argv.begin(), argv.end());  // CLI11 takes the arguments in reverse order
  try {
    app.parse(argv);
  } catch (const CLI::ParseError& e) {
    throw InputError(std::string("reduce: ") + e.what());
  }
  ReduceCall call;
  if (spectrum) {
    call.spectrum = *spectrum;
  } else {
    if (options->file.empty()) throw InputError("reduce: give a file or the energy and mu arrays");
    if (!std::filesystem::exists(options->file)) throw InputError("reduce: " + options->file + ": no such file");
    call.spectrum = xafs::load_measured_spectrum(options->file, options->energy_column, options->mu_expression);
  }
  call.result = xafs::SpectrumReducer(reduction_options(*options)).reduce(call.spectrum);
  return call;
}

}  // namespace xasforge::cli
