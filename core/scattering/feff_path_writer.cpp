// FEFF feffNNNN.dat and paths.dat files from xasforge's paths (layout: docs/physics.md §1.3 as restated in
// docs/python.md; amplitude and phase: Rehr & Albers, Phys. Rev. B 41, 8139 (1990), as in
// rehr_albers.hpp).
#include "core/scattering/feff_path_writer.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <numbers>
#include <system_error>

#include "core/elements/element.hpp"
#include "core/error.hpp"
#include "core/scattering/feff_files.hpp"
#include "core/scattering/feff_input.hpp"
#include "core/scattering/path_finder.hpp"

namespace xasforge::scattering {
namespace {

constexpr double kBohrA = 0.529177210903;  // CODATA 2018 Bohr radius in Å

// Removes 2π jumps between consecutive values (the first value is kept as it is).
void unwrap(std::vector<double>& phase) {
  double offset = 0.0;
  for (std::size_t i = 1; i < phase.size(); ++i) {
    const double prev = phase[i - 1];
    double cur = phase[i] + offset;
    while (cur - prev > std::numbers::pi) {
      cur -= 2.0 * std::numbers::pi;
      offset -= 2.0 * std::numbers::pi;
    }
    while (cur - prev < -std::numbers::pi) {
      cur += 2.0 * std::numbers::pi;
      offset += 2.0 * std::numbers::pi;
    }
    phase[i] = cur;
  }
}

std::string symbol(int z) { return std::string(elements::element(z).symbol); }

}  // namespace

FeffPathColumns feff_path_columns(const ScatteringPath& path, const PhaseShifts& phases, RehrAlbersCalculator& calc) {
  if (phases.potentials.empty()) throw InputError("feff path files: the phase shifts have no absorber potential");
  const PathAmplitude amp = calc.compute(path);
  const std::size_t n = phases.k_invA.size();
  const auto l0 = static_cast<std::size_t>(phases.l0);
  FeffPathColumns c;
  c.k_invA = phases.k_invA;
  c.central_phase.resize(n);
  c.mag_feff_A.resize(n);
  c.phase_feff.resize(n);
  c.red_factor.resize(n);
  c.lambda_A.resize(n);
  c.real_p_invA.resize(n);
  std::vector<double> arg_chi(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::complex<double> delta = phases.potentials[0].delta[i][l0];
    c.central_phase[i] = 2.0 * delta.real() + static_cast<double>(phases.l0) * std::numbers::pi;
    c.red_factor[i] = std::exp(-2.0 * delta.imag());
    const std::complex<double> p = phases.p_invA[i];
    c.lambda_A[i] = p.imag() > 0.0 ? 1.0 / p.imag() : 1e10;
    c.real_p_invA[i] = p.real();
    c.mag_feff_A[i] = std::abs(amp.f_eff_A[i]);
    arg_chi[i] = std::arg(amp.chi_tilde[i]);
  }
  unwrap(c.central_phase);
  unwrap(arg_chi);
  // arg χ̃ = Φ_c + arg F (mod 2π): with both sides continuous, column 4 is their difference.
  for (std::size_t i = 0; i < n; ++i) c.phase_feff[i] = arg_chi[i] - c.central_phase[i];
  return c;
}

void write_feff_dat(const std::filesystem::path& file, const std::string& title, const ScatteringPath& path,
                    int absorber_z, const PhaseShifts& phases, RehrAlbersCalculator& calc) {
  const FeffPathColumns c = feff_path_columns(path, phases, calc);
  std::ofstream out(file);
  if (!out) throw InputError(file.string() + ": cannot open for writing");
  char line[256];
  std::string head = title.substr(0, 63);
  head.resize(64, ' ');
  out << head << "xasforge\n";
  std::snprintf(line, sizeof line, " Gam_ch=%.6E eV (core-hole width)\n", phases.core_hole_width_eV);
  out << line;
  // Not FEFF's "Mu=" line (it also names Rs_int, which the phase shifts do not carry).
  std::snprintf(line, sizeof line, " Fermi level mu=%.6E eV  kf=%.6E 1/A  Vint=%.6E eV\n", phases.mu_eV, phases.kf_invA,
                phases.vint_eV);
  out << line;
  std::snprintf(line, sizeof line, " Path %5d\n", path.index);
  out << line;
  out << " -----------------------------------------------------------------------\n";
  std::snprintf(line, sizeof line, " %3d %9.3f %12.7f %11.6f %12.5f nleg, deg, reff, rnrmav(bohr), edge\n", path.n_legs(),
                path.degeneracy, path.reff_A, phases.rnorm_avg_A / kBohrA, phases.mu_eV);
  out << line;
  out << "        x         y         z   pot at#\n";
  std::snprintf(line, sizeof line, " %12.7f %12.7f %12.7f %2d %3d %-2s  absorbing atom\n", 0.0, 0.0, 0.0, 0, absorber_z,
                symbol(absorber_z).c_str());
  out << line;
  for (std::size_t j = 0; j < path.scatterers_A.size(); ++j) {
    const auto& r = path.scatterers_A[j];
    std::snprintf(line, sizeof line, " %12.7f %12.7f %12.7f %2d %3d %-2s\n", r.x(), r.y(), r.z(), path.ipot[j], path.z[j],
                  symbol(path.z[j]).c_str());
    out << line;
  }
  out << "    k   real[2*phc]   mag[feff]  phase[feff] red factor   lambda     real[p]@#\n";
  for (std::size_t i = 0; i < c.k_invA.size(); ++i) {
    std::snprintf(line, sizeof line, " %8.4f %16.9E %16.9E %16.9E %16.9E %16.9E %16.9E\n", c.k_invA[i], c.central_phase[i],
                  c.mag_feff_A[i], c.phase_feff[i], c.red_factor[i], c.lambda_A[i], c.real_p_invA[i]);
    out << line;
  }
  if (!out) throw InputError(file.string() + ": write failed");
}

std::vector<std::filesystem::path> write_feff_path_files(const std::filesystem::path& dir, const std::string& title,
                                                         const std::vector<ScatteringPath>& paths,
                                                         const std::vector<PathContribution>& contributions,
                                                         int absorber_z, const PhaseShifts& phases,
                                                         const SpectrumSettings& settings) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw InputError(dir.string() + ": cannot create the folder for the FEFF path files (" + ec.message() + ")");
  {
    std::ofstream pd(dir / "paths.dat");
    if (!pd) throw InputError((dir / "paths.dat").string() + ": cannot open for writing");
    feff::write_paths_dat(pd, paths, settings.paths.rmax_A, settings.paths.critpw, absorber_z);
    if (!pd) throw InputError((dir / "paths.dat").string() + ": write failed");
  }
  RehrAlbersCalculator calc(phases, settings.feff);
  std::vector<std::filesystem::path> written;
  for (const auto& path : paths) {
    bool included = contributions.empty();
    for (const auto& c : contributions)
      if (c.index == path.index) included = c.included;
    if (!included) continue;
    char name[32];
    std::snprintf(name, sizeof name, "feff%04d.dat", path.index);
    write_feff_dat(dir / name, title, path, absorber_z, phases, calc);
    written.push_back(dir / name);
  }
  return written;
}

std::vector<std::filesystem::path> write_feff_path_files(const std::filesystem::path& dir,
                                                         const structure::Structure& structure,
                                                         std::size_t absorber_site, const SpectrumSettings& settings,
                                                         PhaseShiftProvider& provider, const Spectrum& spectrum) {
  // The same chain as compute_spectrum(structure, ...): the provider returns its cached phases.
  const feff::FeffCluster cluster = feff::make_feff_cluster(structure, absorber_site, settings.phase.cluster_radius_A);
  const std::vector<PathAtom> atoms = feff::path_atoms(cluster);
  const PhaseShifts phases = provider.compute(structure, absorber_site, settings.phase);
  const std::vector<ScatteringPath> paths = find_paths(atoms, phases, settings.paths);
  const int z = structure.site(absorber_site).z;
  const std::string title = structure.name + " " + structure.reduced_formula() + " site " + std::to_string(absorber_site) +
                            " (" + symbol(z) + ")";
  return write_feff_path_files(dir, title, paths, spectrum.paths, z, phases, settings);
}

}  // namespace xasforge::scattering
