#include "workflows/stages/feature_label_stages.hpp"

#include "core/elements/element.hpp"
#include "core/features/crystal_nn.hpp"
#include "core/features/soap.hpp"

namespace xasforge::workflows {

std::vector<mpi::BlockSpec> CrystalNNStage::blocks() const {
  return {{label_blocks::kCn.path, 1, "", "CrystalNN coordination number of the absorber (pymatgen 2022.11 defaults)", "", {}, ""}};
}

void CrystalNNStage::run(const StageContext& context, RowValues& row) const {
  const auto r = features::crystal_nn(context.structure, static_cast<std::size_t>(context.item.site));
  label_blocks::kCn.put(row, {static_cast<double>(r.cn)});
}

SoapStage::SoapStage(const CampaignConfig& config) {
  features::SoapOptions o;
  o.r_cut_A = config.soap.r_cut_A;
  o.n_max = config.soap.n_max;
  o.l_max = config.soap.l_max;
  o.sigma_A = config.soap.sigma_A;
  for (const auto& e : config.soap.species) o.species.push_back(elements::atomic_number_or_throw(e));
  soap_ = std::make_unique<features::Soap>(o);
}

SoapStage::~SoapStage() = default;

std::vector<mpi::BlockSpec> SoapStage::blocks() const {
  return {{feature_blocks::kSoap.path, soap_->n_features(), "", "SOAP power spectrum centred on the absorber", "", {}, ""}};
}

void SoapStage::run(const StageContext& context, RowValues& row) const {
  const Eigen::MatrixXd m = soap_->create(context.structure, {static_cast<std::size_t>(context.item.site)});
  feature_blocks::kSoap.put(row, std::vector<double>(m.data(), m.data() + m.size()));
}

}  // namespace xasforge::workflows
