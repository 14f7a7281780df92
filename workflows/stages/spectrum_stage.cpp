#include "workflows/stages/spectrum_stage.hpp"

#include "core/scattering/phase_provider_factory.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/scattering/feff_input.hpp"
#include "core/scattering/spectrum.hpp"

namespace xasforge::workflows {
namespace {


}  // namespace

std::string core_debye_waller_name(const std::string& yaml_name) {
  if (yaml_name == "correlated_debye") return "correlated-debye";
  if (yaml_name == "einstein") return "correlated-einstein";
  if (yaml_name == "equation_of_motion") return "equation-of-motion";
  if (yaml_name == "normal_modes") return "normal-modes";
  return yaml_name;  // constant, none, recursion
}

std::vector<double> shared_k_grid_invA(const CampaignConfig& config) {
  const double step = config.scattering.k_step_invA;
  const auto n = static_cast<std::size_t>(std::floor(config.scattering.k_max_invA / step + 1e-9)) + 1;
  std::vector<double> k(n);
  for (std::size_t i = 0; i < n; ++i) k[i] = static_cast<double>(i) * step;
  return k;
}

SpectrumStage::SpectrumStage(const CampaignConfig& config)
    : k_invA_(shared_k_grid_invA(config)), provider_(scattering::make_phase_provider(config.scattering.phases, "scattering.phases")) {}

std::vector<mpi::BlockSpec> SpectrumStage::blocks() const {
  return {{spectra_blocks::kChi.path, k_invA_.size(), "", "chi(k), FEFF ff2x convention, on the shared k grid", mpi::block_paths::kChiK,
           k_invA_, "angstrom^-1"},
          {spectra_blocks::kPaths.path, 1, "", "scattering paths summed (passing the curved-wave filter)", "", {}, ""}};
}

void SpectrumStage::run(const StageContext& context, RowValues& row) const {
  const auto& cfg = context.config.scattering;
  scattering::SpectrumSettings st;
  st.phase.edge = scattering::feff::parse_edge(context.item.edge);
  st.phase.cluster_radius_A = cfg.cluster_radius_A;
  st.paths.rmax_A = cfg.rmax_A;
  st.paths.max_legs = cfg.max_legs;
  st.sigma2_model = core_debye_waller_name(cfg.debye_waller.model);
  st.debye_waller.temperature_K = cfg.debye_waller.temperature_K;
  st.debye_waller.debye_temperature_K = cfg.debye_waller.debye_temperature_K;
  st.debye_waller.einstein_temperature_K = cfg.debye_waller.einstein_temperature_K;
  st.debye_waller.sigma2_A2 = cfg.debye_waller.sigma2_A2;
  st.debye_waller.recursion_levels = cfg.debye_waller.recursion_levels;
  st.debye_waller.force_constant_scale = cfg.debye_waller.force_constant_scale;
  st.chi.s02 = cfg.s02;
  st.chi.k_step_invA = cfg.k_step_invA;
  st.chi.k_max_invA = cfg.k_max_invA;
  const auto spectrum = scattering::compute_spectrum(context.structure, static_cast<std::size_t>(context.item.site),
                                                     st, *provider_, workspace_.get());

  // Linear interpolation onto the shared grid (the path sum uses the same step, so this is
  // normally a copy); NaN where the phase-shift grid ends.
  std::vector<double> chi(k_invA_.size(), std::numeric_limits<double>::quiet_NaN());
  const auto& k = spectrum.k_invA;
  for (std::size_t i = 0, j = 0; i < k_invA_.size() && k.size() >= 2; ++i) {
    const double x = k_invA_[i];
    if (x < k.front() - 1e-9 || x > k.back() + 1e-9) continue;
    while (j + 2 < k.size() && k[j + 1] < x) ++j;
    const double t = std::clamp((x - k[j]) / (k[j + 1] - k[j]), 0.0, 1.0);
    chi[i] = spectrum.chi[j] + t * (spectrum.chi[j + 1] - spectrum.chi[j]);
  }
  double n_included = 0;
  for (const auto& p : spectrum.paths) n_included += p.included ? 1.0 : 0.0;
  spectra_blocks::kChi.put(row, std::move(chi));
  spectra_blocks::kPaths.put(row, {n_included});
}

}  // namespace xasforge::workflows
