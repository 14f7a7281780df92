#include "workflows/stages/spectrum_stage.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>

#include "core/error.hpp"
#include "core/scattering/chi_sum.hpp"
#include "core/scattering/debye_waller.hpp"
#include "core/scattering/feff_input.hpp"
#include "core/scattering/path_finder.hpp"
#include "core/scattering/rehr_albers.hpp"

namespace xasforge::workflows {
namespace {

scattering::Edge edge_of(const std::string& name) {
  if (name == "K") return scattering::Edge::K;
  if (name == "L1") return scattering::Edge::L1;
  if (name == "L2") return scattering::Edge::L2;
  if (name == "L3") return scattering::Edge::L3;
  throw InputError("unknown edge '" + name + "'; expected K, L1, L2 or L3");
}

}  // namespace

std::string core_debye_waller_name(const std::string& yaml_name) {
  if (yaml_name == "correlated_debye") return "correlated-debye";
  if (yaml_name == "einstein") return "correlated-einstein";
  return yaml_name;  // constant, none
}

SpectrumStage::SpectrumStage(const CampaignConfig& config)
    : provider_(std::make_unique<scattering::FeffPhaseProvider>()) {
  const double step = config.scattering.k_step_invA;
  const auto n = static_cast<std::size_t>(std::floor(config.scattering.k_max_invA / step + 1e-9)) + 1;
  for (std::size_t i = 0; i < n; ++i) k_invA_.push_back(static_cast<double>(i) * step);
}

std::vector<mpi::BlockSpec> SpectrumStage::blocks() const {
  return {{"/spectra/chi", k_invA_.size(), "", "chi(k), FEFF ff2x convention, on the shared k grid", "/spectra/k",
           k_invA_, "angstrom^-1"},
          {"/spectra/n_paths", 1, "", "scattering paths summed (passing the curved-wave filter)", "", {}, ""}};
}

void SpectrumStage::run(const StageContext& context, RowValues& row) const {
  const auto& cfg = context.config.scattering;
  const auto& s = context.structure;
  const auto site = static_cast<std::size_t>(context.item.site);

  scattering::PhaseSettings ps;
  ps.edge = edge_of(context.item.edge);
  ps.cluster_radius_A = cfg.cluster_radius_A;
  const scattering::PhaseShifts phases = provider_->compute(s, site, ps);

  const auto cluster = scattering::feff::make_feff_cluster(s, site, cfg.cluster_radius_A);  // same cluster as the phases: same ipot
  scattering::PathFinderOptions po;
  po.rmax_A = cfg.rmax_A;
  po.max_legs = cfg.max_legs;
  const auto paths = scattering::find_paths(scattering::feff::path_atoms(cluster), phases, po);
  if (paths.empty()) throw PhysicsError(s.source + ": no scattering path within rmax = " + std::to_string(cfg.rmax_A) + " Å");

  scattering::RehrAlbersCalculator calculator(phases);
  std::vector<std::vector<std::complex<double>>> chi_tilde(paths.size(),
                                                           std::vector<std::complex<double>>(calculator.n_energies()));
  for (std::size_t i = 0; i < paths.size(); ++i) calculator.chi_tilde(paths[i], chi_tilde[i]);

  scattering::DebyeWallerSettings dw;
  dw.temperature_K = cfg.debye_waller.temperature_K;
  dw.debye_temperature_K = cfg.debye_waller.debye_temperature_K;
  dw.einstein_temperature_K = cfg.debye_waller.einstein_temperature_K;
  dw.sigma2_A2 = cfg.debye_waller.sigma2_A2;
  dw.rnorm_avg_A = phases.rnorm_avg_A;
  const auto model = scattering::make_debye_waller_model(core_debye_waller_name(cfg.debye_waller.model), dw);
  std::vector<scattering::PathParameters> params(paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i) params[i].sigma2_A2 = model->sigma2_A2(paths[i], context.item.z);

  scattering::ChiSumSettings cs;
  cs.s02 = cfg.s02;
  cs.k_step_invA = cfg.k_step_invA;
  cs.k_max_invA = cfg.k_max_invA;
  const auto spectrum = scattering::sum_paths(phases, paths, chi_tilde, params, cs);

  // Linear interpolation onto the shared grid (the path sum uses the same step, so this is
  // normally a copy); NaN where the phase-shift grid ends.
  std::vector<double> chi(k_invA_.size(), std::numeric_limits<double>::quiet_NaN());
  const auto& k = spectrum.k_invA;
  for (std::size_t i = 0, j = 0; i < k_invA_.size() && k.size() >= 2; ++i) {
    const double x = k_invA_[i];
    if (x < k.front() - 1e-9 || x > k.back() + 1e-9) continue;
    while (j + 2 < k.size() && k[j + 1] < x) ++j;
    const double t = (x - k[j]) / (k[j + 1] - k[j]);
    chi[i] = spectrum.chi[j] + std::clamp(t, 0.0, 1.0) * (spectrum.chi[j + 1] - spectrum.chi[j]);
  }
  double n_included = 0;
  for (const auto& p : spectrum.paths) n_included += p.included ? 1.0 : 0.0;
  row["/spectra/chi"] = std::move(chi);
  row["/spectra/n_paths"] = {n_included};
}

}  // namespace xasforge::workflows
