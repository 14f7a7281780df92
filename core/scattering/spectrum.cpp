// compute_spectrum: the chain cluster → phases → paths → F_eff → σ² → χ(k).
#include "core/scattering/spectrum.hpp"

#include <chrono>
#include <ctime>
#include <string>

#include "core/error.hpp"
#include "core/scattering/feff_input.hpp"

namespace xasforge::scattering {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Process CPU seconds: the in-process stages are timed in CPU so that figures do not depend on
// the machine's load (the phase-shift stage runs FEFF child processes and is timed in wall).
double cpu_now() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

}  // namespace

Spectrum compute_spectrum(const std::vector<ScatteringPath>& paths, int absorber_z, const PhaseShifts& phases,
                          const SpectrumSettings& settings, const std::vector<PathAtom>* atoms,
                          RehrAlbersWorkspace* workspace) {
  if (paths.empty()) {
    throw PhysicsError("no scattering paths within rmax = " + std::to_string(settings.paths.rmax_A) + " Å");
  }
  double c0 = cpu_now();
  RehrAlbersCalculator calc(phases, settings.feff, workspace);
  std::vector<std::vector<std::complex<double>>> amps(paths.size(), std::vector<std::complex<double>>(phases.k_invA.size()));
  for (std::size_t i = 0; i < paths.size(); ++i) calc.chi_tilde(paths[i], amps[i]);
  const double feff_s = cpu_now() - c0;

  c0 = cpu_now();
  DebyeWallerSettings dws = settings.debye_waller;
  if (dws.rnorm_avg_A <= 0.0) dws.rnorm_avg_A = phases.rnorm_avg_A;
  const auto model = make_debye_waller_model(settings.sigma2_model, dws);
  if (atoms) model->set_cluster(*atoms);  // one dynamical matrix for every path of this absorber
  std::vector<PathParameters> params(paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i) {
    params[i].sigma2_A2 = model->sigma2_A2(paths[i], absorber_z);
    params[i].c3_A3 = settings.c3_A3;
    params[i].c4_A4 = settings.c4_A4;
  }
  const double sigma2_s = cpu_now() - c0;

  c0 = cpu_now();
  Spectrum out = sum_paths(phases, paths, amps, params, settings.chi);
  out.sum_s = cpu_now() - c0;
  out.feff_s = feff_s;
  out.sigma2_s = sigma2_s;
  return out;
}

Spectrum compute_spectrum(const std::vector<PathAtom>& atoms, const PhaseShifts& phases, const SpectrumSettings& settings,
                          RehrAlbersWorkspace* workspace) {
  int absorber_z = 0;
  for (const auto& a : atoms) {
    if (a.ipot == 0) {
      absorber_z = a.z;
      break;
    }
  }
  if (absorber_z == 0) throw InputError("compute_spectrum: no absorber (an atom with potential 0) in the atom list");
  const double c0 = cpu_now();
  const std::vector<ScatteringPath> paths = find_paths(atoms, phases, settings.paths);
  const double paths_s = cpu_now() - c0;
  Spectrum out = compute_spectrum(paths, absorber_z, phases, settings, &atoms, workspace);
  out.paths_s = paths_s;
  return out;
}

Spectrum compute_spectrum(const structure::Structure& structure, std::size_t absorber_site,
                          const SpectrumSettings& settings, PhaseShiftProvider& provider,
                          RehrAlbersWorkspace* workspace) {
  const double c0 = cpu_now();
  const feff::FeffCluster cluster = feff::make_feff_cluster(structure, absorber_site, settings.phase.cluster_radius_A);
  const std::vector<PathAtom> atoms = feff::path_atoms(cluster);
  const double cluster_s = cpu_now() - c0;
  const auto t0 = std::chrono::steady_clock::now();
  const PhaseShifts phases = provider.compute(structure, absorber_site, settings.phase);
  const double phases_s = seconds_since(t0);
  Spectrum out = compute_spectrum(atoms, phases, settings, workspace);
  out.cluster_s = cluster_s;
  out.phases_s = phases_s;
  return out;
}

}  // namespace xasforge::scattering
