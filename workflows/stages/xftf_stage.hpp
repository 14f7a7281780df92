#pragma once
/// |chi(R)| of the item's chi(k) (from the spectrum stage) by Larch's xftf (core/xafs), with the
/// campaign's features settings, linearly interpolated onto the R grid /features/r.
#include "workflows/stages/stage.hpp"

namespace xasforge::workflows {

/// |chi(R)| of chi(k) on grid k (NaN-padded where the simulation ends) by Larch's xftf with the
/// campaign's features settings, linearly interpolated onto r_A: what the xftf stage stores, and
/// what training applies to augmented copies of simulated spectra (docs/ml.md).
std::vector<double> chir_feature_row(const std::vector<double>& k_invA, std::vector<double> chi,
                                     const FeatureSettings& features, double k_step_invA, const std::vector<double>& r_A);

class XftfStage : public Stage {
 public:
  explicit XftfStage(const CampaignConfig& config);
  std::string name() const override { return "xftf"; }
  std::vector<mpi::BlockSpec> blocks() const override;
  void run(const StageContext& context, RowValues& row) const override;

 private:
  std::vector<double> k_invA_;  ///< the spectrum stage's shared grid
  std::vector<double> r_A_;
};

}  // namespace xasforge::workflows
