#pragma once
/// chi(k) of one absorber class by the path expansion (core/scattering): phase shifts from the
/// provider named by scattering.phases (feff8l: FEFF 8.5L, native: in process)
/// (cached per structure and absorber class on each rank), the path finder, Rehr–Albers F_eff,
/// the campaign's Debye–Waller model, and the path sum in FEFF's ff2x convention, interpolated
/// onto the campaign's shared k grid (/spectra/k). Points beyond the phase-shift grid are NaN.
#include <memory>

#include "core/scattering/phase_shift_provider.hpp"
#include "core/scattering/rehr_albers.hpp"
#include "workflows/stages/stage.hpp"

namespace xasforge::workflows {

class SpectrumStage : public Stage {
 public:
  explicit SpectrumStage(const CampaignConfig& config);
  std::string name() const override { return "spectrum"; }
  std::vector<mpi::BlockSpec> blocks() const override;
  void run(const StageContext& context, RowValues& row) const override;
  /// The shared grid 0, k_step, ..., k_max (Å⁻¹).
  const std::vector<double>& k_grid_invA() const { return k_invA_; }

 private:
  std::vector<double> k_invA_;
  std::unique_ptr<scattering::PhaseShiftProvider> provider_;  // scattering.phases; owns a cache: one per rank
  // Rehr–Albers table memory reused by each item's calculator (items run one at a time per rank).
  std::unique_ptr<scattering::RehrAlbersWorkspace> workspace_ = std::make_unique<scattering::RehrAlbersWorkspace>();
};

/// The campaign's shared k grid 0, k_step, ..., k_max (Å⁻¹) of /spectra/k.
std::vector<double> shared_k_grid_invA(const CampaignConfig& config);

/// YAML Debye–Waller model name (scattering.debye_waller.model) -> core/scattering factory name.
std::string core_debye_waller_name(const std::string& yaml_name);

}  // namespace xasforge::workflows
