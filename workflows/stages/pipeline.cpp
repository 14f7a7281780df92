#include "workflows/stages/pipeline.hpp"

#include "core/error.hpp"
#include "workflows/stages/ensemble_stage.hpp"
#include "workflows/stages/feature_label_stages.hpp"
#include "workflows/stages/spectrum_stage.hpp"
#include "workflows/stages/xftf_stage.hpp"
#include "workflows/stages/structure_info_stages.hpp"

namespace xasforge::workflows {

Pipeline::Pipeline(const CampaignConfig& config) {
  // The one place that lists the stages (docs/campaign.md, "Adding a stage"); order matters:
  // xftf reads the spectrum stage's /spectra/chi.
  if (config.scattering.enabled) {
    if (config.ensemble.kind == "none")
      stages_.push_back(std::make_unique<SpectrumStage>(config));  // core/scattering compute_spectrum
    else
      stages_.push_back(make_ensemble_stage(config));          // one stage per kind: md, trajectory, rmc
    stages_.push_back(std::make_unique<XftfStage>(config));        // core/xafs xftf
  }
  if (config.wants_label("cn")) {
    stages_.push_back(std::make_unique<CrystalNNStage>(config));      // core/features CrystalNN
    stages_.push_back(std::make_unique<NeighbourShellStage>(config)); // geometric first shell
  }
  if (config.wants_label("rdf")) stages_.push_back(std::make_unique<RadialDistributionStage>(config));
  if (config.wants_descriptor("soap")) stages_.push_back(std::make_unique<SoapStage>(config));
  for (const auto& s : stages_)
    for (auto& b : s->blocks()) blocks_.push_back(std::move(b));
}

std::vector<std::string> Pipeline::stage_names() const {
  std::vector<std::string> names;
  for (const auto& s : stages_) names.push_back(s->name());
  return names;
}

mpi::StageValues Pipeline::run(const StageContext& context) const {
  RowValues row;
  for (const auto& s : stages_) s->run(context, row);
  mpi::StageValues values;
  for (const auto& b : blocks_) {
    auto it = row.find(b.path);
    if (it == row.end()) throw Error("internal: no stage filled " + b.path);
    if (it->second.size() != b.n_cols)
      throw Error("internal: " + b.path + " has " + std::to_string(it->second.size()) + " values, expected " +
                  std::to_string(b.n_cols));
    values.push_back(std::move(it->second));
  }
  return values;
}

}  // namespace xasforge::workflows
