#include "workflows/stages/xftf_stage.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/xafs/fourier_transform.hpp"
#include "workflows/stages/spectrum_stage.hpp"

namespace xasforge::workflows {

XftfStage::XftfStage(const CampaignConfig& config) : k_invA_(shared_k_grid_invA(config)) {
  const auto& f = config.features;
  const auto n = static_cast<std::size_t>(std::floor((f.r_max_A - f.r_min_A) / f.r_step_A + 1e-9)) + 1;
  for (std::size_t i = 0; i < n; ++i) r_A_.push_back(f.r_min_A + static_cast<double>(i) * f.r_step_A);
}

std::vector<mpi::BlockSpec> XftfStage::blocks() const {
  return {{feature_blocks::kChirMag.path, r_A_.size(), "angstrom^-(kweight+1)",
           "|chi(R)| by Larch's xftf of k^kweight chi(k) (features.k, dk, window)", mpi::block_paths::kChirR, r_A_, "angstrom"}};
}

std::vector<double> chir_feature_row(const std::vector<double>& k_invA, std::vector<double> chi_all,
                                     const FeatureSettings& f, double k_step_invA, const std::vector<double>& r_A) {
  // A spectrum may start late (an RMC model exists on its fit range only): below the first
  // finite point it is set to 0 when the window is zero there anyway (k <= kmin - dk/2).
  std::size_t first = 0;
  while (first < chi_all.size() && !std::isfinite(chi_all[first])) ++first;
  if (first > 0 && first < chi_all.size() && k_invA[first] <= f.k_min_invA - 0.5 * f.dk_invA + 1e-9)
    std::fill(chi_all.begin(), chi_all.begin() + static_cast<std::ptrdiff_t>(first), 0.0);
  // The spectrum ends (NaN) where the phase-shift grid ends; transform the finite part.
  std::size_t n = 0;
  while (n < chi_all.size() && std::isfinite(chi_all[n])) ++n;
  if (n < 4) throw PhysicsError("xftf: chi(k) has fewer than 4 finite points");
  const std::vector<double> k(k_invA.begin(), k_invA.begin() + static_cast<std::ptrdiff_t>(n));
  const std::vector<double> chi(chi_all.begin(), chi_all.begin() + static_cast<std::ptrdiff_t>(n));
  xafs::XftfOptions o;
  o.kmin_invA = f.k_min_invA;
  o.kmax_invA = f.k_max_invA;
  o.kweight = f.kweight;
  o.dk_invA = f.dk_invA;
  o.window = xafs::parse_window(f.window);
  o.rmax_out_A = f.r_max_A + 1.0;
  o.kstep_invA = k_step_invA;
  const auto chir = xafs::xftf(k, chi, o);
  const auto mag = chir.magnitude();
  std::vector<double> out(r_A.size());
  for (std::size_t i = 0, j = 0; i < r_A.size(); ++i) {
    while (j + 2 < chir.r_A.size() && chir.r_A[j + 1] < r_A[i]) ++j;
    const double t = std::clamp((r_A[i] - chir.r_A[j]) / (chir.r_A[j + 1] - chir.r_A[j]), 0.0, 1.0);
    out[i] = mag[j] + t * (mag[j + 1] - mag[j]);
  }
  return out;
}

void XftfStage::run(const StageContext& context, RowValues& row) const {
  feature_blocks::kChirMag.put(row, chir_feature_row(k_invA_, spectra_blocks::kChi.get(row), context.config.features,
                                                     context.config.scattering.k_step_invA, r_A_));
}

}  // namespace xasforge::workflows
