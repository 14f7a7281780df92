#pragma once
/// Stages backed by core/features: CrystalNN coordination numbers and SOAP descriptors.
#include <memory>

#include "workflows/stages/stage.hpp"

namespace xasforge::features {
class Soap;
}

namespace xasforge::workflows {

/// /labels/cn: CrystalNN coordination number of the absorber (pymatgen 2022.11 defaults).
class CrystalNNStage : public Stage {
 public:
  explicit CrystalNNStage(const CampaignConfig&) {}
  std::string name() const override { return "crystalnn"; }
  std::vector<mpi::BlockSpec> blocks() const override;
  void run(const StageContext& context, RowValues& row) const override;
};

/// /descriptors/soap: SOAP power spectrum centred on the absorber, species from soap.species.
class SoapStage : public Stage {
 public:
  explicit SoapStage(const CampaignConfig& config);
  ~SoapStage() override;
  std::string name() const override { return "soap"; }
  std::vector<mpi::BlockSpec> blocks() const override;
  void run(const StageContext& context, RowValues& row) const override;

 private:
  std::unique_ptr<features::Soap> soap_;
};

}  // namespace xasforge::workflows
