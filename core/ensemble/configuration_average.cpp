#include "core/ensemble/configuration_average.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"

namespace xasforge::ensemble {

void ConfigurationAverage::add_snapshot(const std::vector<std::vector<double>>& chis) {
  if (chis.empty()) return;
  if (n_k_ == 0) n_k_ = chis.front().size();
  if (sum_.empty()) {
    sum_.assign(n_k_, 0.0);
    sum_snapshot_mean_.assign(n_k_, 0.0);
    sum_snapshot_mean2_.assign(n_k_, 0.0);
    sum_spectra2_.assign(n_k_, 0.0);
  }
  std::vector<double> m(n_k_, 0.0);
  for (const auto& c : chis) {
    if (c.size() != n_k_) throw InputError("configuration average: spectra on different k grids");
    for (std::size_t i = 0; i < n_k_; ++i) {
      m[i] += c[i];
      sum_[i] += c[i];
      sum_spectra2_[i] += c[i] * c[i];
    }
  }
  for (std::size_t i = 0; i < n_k_; ++i) {
    m[i] /= static_cast<double>(chis.size());
    sum_snapshot_mean_[i] += m[i];
    sum_snapshot_mean2_[i] += m[i] * m[i];
  }
  ++n_snapshots_;
  n_spectra_ += chis.size();
}

void ConfigurationAverage::merge(const ConfigurationAverage& o) {
  if (o.n_spectra_ == 0) return;
  if (sum_.empty()) {
    *this = o;
    return;
  }
  for (std::size_t i = 0; i < n_k_; ++i) {
    sum_[i] += o.sum_[i];
    sum_snapshot_mean_[i] += o.sum_snapshot_mean_[i];
    sum_snapshot_mean2_[i] += o.sum_snapshot_mean2_[i];
    sum_spectra2_[i] += o.sum_spectra2_[i];
  }
  n_snapshots_ += o.n_snapshots_;
  n_spectra_ += o.n_spectra_;
}

std::vector<double> ConfigurationAverage::mean() const {
  std::vector<double> m(n_k_, 0.0);
  for (std::size_t i = 0; i < n_k_ && n_spectra_ > 0; ++i) m[i] = sum_[i] / static_cast<double>(n_spectra_);
  return m;
}

std::vector<double> ConfigurationAverage::standard_error() const {
  std::vector<double> e(n_k_, 0.0);
  if (n_snapshots_ >= 2) {
    const double n = static_cast<double>(n_snapshots_);
    for (std::size_t i = 0; i < n_k_; ++i) {
      const double mu = sum_snapshot_mean_[i] / n;
      const double var = std::max(0.0, (sum_snapshot_mean2_[i] - n * mu * mu) / (n - 1));
      e[i] = std::sqrt(var / n);
    }
  } else if (n_spectra_ >= 2) {
    const double n = static_cast<double>(n_spectra_);
    for (std::size_t i = 0; i < n_k_; ++i) {
      const double mu = sum_[i] / n;
      const double var = std::max(0.0, (sum_spectra2_[i] - n * mu * mu) / (n - 1));
      e[i] = std::sqrt(var / n);
    }
  }
  return e;
}

AverageResult configuration_average(const std::vector<structure::Structure>& snapshots,
                                    const std::function<std::vector<std::size_t>(const structure::Structure&)>& absorbers,
                                    const SnapshotChiFunction& chi_of) {
  ConfigurationAverage acc;
  for (const auto& s : snapshots) {
    const auto sites = absorbers(s);
    if (sites.empty()) throw InputError(s.source + ": snapshot '" + s.name + "' has no absorber site");
    std::vector<std::vector<double>> chis;
    chis.reserve(sites.size());
    for (std::size_t a : sites) chis.push_back(chi_of(s, a));
    acc.add_snapshot(chis);
  }
  return {acc.mean(), acc.standard_error(), acc.n_snapshots(), acc.n_spectra()};
}

std::vector<std::size_t> sites_of_element(const structure::Structure& s, int z) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s.site(i).z == z) out.push_back(i);
  return out;
}

}  // namespace xasforge::ensemble
