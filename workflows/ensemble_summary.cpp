#include "workflows/ensemble_summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/ensemble/ensemble_members.hpp"
#include "core/error.hpp"
#include "mpi/results_file.hpp"
#include "workflows/stages/ensemble_stage.hpp"
#include "workflows/stages/spectrum_stage.hpp"
#include "mpi/results_layout.hpp"

namespace xasforge::workflows {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string group_key(const mpi::ItemEntry& it) {
  const auto slash = it.key.rfind('/');
  return slash == std::string::npos ? it.key : it.key.substr(0, slash);
}

/// Mean and standard error (sample sd / sqrt(n)) of the finite values, in order; NaN when none
/// (mean) or fewer than two (error).
std::pair<double, double> mean_stderr(const std::vector<double>& v) {
  double n = 0, sum = 0;
  for (double x : v)
    if (std::isfinite(x)) n += 1, sum += x;
  if (n == 0) return {kNaN, kNaN};
  const double mean = sum / n;
  if (n < 2) return {mean, kNaN};
  double ss = 0;
  for (double x : v)
    if (std::isfinite(x)) ss += (x - mean) * (x - mean);
  return {mean, std::sqrt(ss / (n - 1) / n)};
}

}  // namespace

std::vector<EnsembleGroup> ensemble_groups(const std::vector<mpi::ItemEntry>& items) {
  std::vector<EnsembleGroup> groups;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& it = items[i];
    if (it.site < 0) continue;
    if (it.member == 0) groups.push_back({group_key(it), static_cast<std::int64_t>(i), 0});
    if (groups.empty() || group_key(it) != groups.back().key)
      throw Error("ensemble: item " + std::to_string(i) + " (" + it.key + ") does not follow its member 0");
    ++groups.back().n_members;
  }
  return groups;
}

std::vector<mpi::SummaryTable> ensemble_tables(const CampaignConfig& config, const std::vector<mpi::ItemEntry>& items,
                                               std::size_t n_k) {
  using T = mpi::SummaryTable::Type;
  if (config.ensemble.kind == "none") return {};
  const auto groups = ensemble_groups(items);
  const std::size_t n = groups.size();
  mpi::SummaryTable key{"/ensemble/key", T::kString, n, 1, "",
                        "group: structure/absorber class/edge (members are the items key/0, key/1, ...)", "", {}, {}};
  mpi::SummaryTable first{"/ensemble/first_item", T::kInt32, n, 1, "", "item id of member 0 (members are consecutive)",
                          "", {}, {}};
  mpi::SummaryTable planned{"/ensemble/n_members", T::kInt32, n, 1, "", "members planned (ensemble.members)", "", {}, {}};
  for (const auto& g : groups) {
    key.strings.push_back(g.key);
    first.values.push_back(static_cast<double>(g.first_item));
    planned.values.push_back(g.n_members);
  }
  std::vector<mpi::SummaryTable> t = {key, first, planned};
  auto real = [&](const std::string& path, std::size_t cols, const std::string& units, const std::string& doc,
                  const std::string& grid = "") {
    t.push_back({path, T::kDouble, n, cols, units, doc, grid, {}, {}});
  };
  t.push_back({"/ensemble/members", T::kInt32, n, 1, "",
               "members done and averaged (0 until the summary is written after a run)", "", {}, {}});
  real("/ensemble/chi_mean", n_k, "", "ensemble mean of the members' chi(k) (/spectra/chi)", "/spectra/k");
  real("/ensemble/chi_stderr", n_k, "", "standard error of chi_mean: sample sd over members / sqrt(members)",
       "/spectra/k");
  real("/ensemble/sigma2", 1, "angstrom^2", "mean over members of the first-shell sigma^2 (/ensemble/member_sigma2)");
  real("/ensemble/sigma2_stderr", 1, "angstrom^2", "standard error of /ensemble/sigma2");
  real("/ensemble/first_shell_r", 1, "angstrom", "mean over members of the mean first-shell distance");
  if (config.ensemble.kind == "rmc") {
    real("/ensemble/misfit", 1, "", "mean over members of the final RMC misfit (ensemble.rmc.space)");
    real("/ensemble/r_factor", 1, "",
         "k-space R-factor of chi_mean against the target over features.k with k^kweight");
  }
  return t;
}

std::vector<EnsembleSummaryLine> write_ensemble_summary(const std::filesystem::path& results,
                                                        const CampaignConfig& config) {
  const auto content = mpi::read_results_file(results);
  const auto groups = ensemble_groups(content.items);
  const std::size_t n_items = content.items.size();
  const auto chi = mpi::read_block(results, mpi::block_paths::kChi);
  const std::size_t n_k = n_items ? chi.size() / n_items : 0;
  const auto sigma2 = mpi::read_block(results, "/ensemble/member_sigma2");
  const auto r1 = mpi::read_block(results, "/ensemble/member_first_shell_r");
  const bool rmc = config.ensemble.kind == "rmc";
  std::vector<double> misfit, target_k, target_chi;
  if (rmc) {
    misfit = mpi::read_block(results, "/ensemble/member_misfit");
    ensemble::read_k_chi(config.ensemble.rmc().target, target_k, target_chi);
  }
  const auto k = shared_k_grid_invA(config);
  if (k.size() != n_k) throw Error(results.string() + ": /spectra/chi has " + std::to_string(n_k) + " columns, the campaign's grid " + std::to_string(k.size()));

  std::vector<double> members, chi_mean, chi_err, s2, s2_err, r_mean, mis, rf;
  std::vector<EnsembleSummaryLine> lines;
  for (const auto& g : groups) {
    std::vector<std::size_t> done;
    for (int m = 0; m < g.n_members; ++m) {
      const auto id = static_cast<std::size_t>(g.first_item + m);
      if (content.items[id].status == mpi::ItemStatus::kDone) done.push_back(id);
    }
    members.push_back(static_cast<double>(done.size()));
    std::vector<double> column(done.size());
    std::vector<double> mean_row(n_k);
    for (std::size_t c = 0; c < n_k; ++c) {
      for (std::size_t j = 0; j < done.size(); ++j) column[j] = chi[done[j] * n_k + c];
      // a point is averaged only where every done member has it (all share one grid and range)
      const bool all = std::all_of(column.begin(), column.end(), [](double x) { return std::isfinite(x); });
      const auto [mu, se] = all ? mean_stderr(column) : std::pair<double, double>{kNaN, kNaN};
      chi_mean.push_back(mu);
      chi_err.push_back(se);
      mean_row[c] = mu;
    }
    auto pick = [&](const std::vector<double>& v) {
      std::vector<double> out;
      for (auto id : done) out.push_back(v[id]);
      return mean_stderr(out);
    };
    const auto [s2m, s2e] = pick(sigma2);
    s2.push_back(s2m);
    s2_err.push_back(s2e);
    r_mean.push_back(pick(r1).first);
    EnsembleSummaryLine line{g.key, static_cast<int>(done.size()), s2m, s2e, r_mean.back(), kNaN};
    if (rmc) {
      mis.push_back(pick(misfit).first);
      // R-factor of the mean against the target (target interpolated onto the shared grid).
      double num = 0, den = 0;
      const auto& f = config.features;
      for (std::size_t c = 0, j = 0; c < n_k; ++c) {
        if (k[c] < f.k_min_invA - 1e-9 || k[c] > f.k_max_invA + 1e-9 || !std::isfinite(mean_row[c])) continue;
        while (j + 2 < target_k.size() && target_k[j + 1] < k[c]) ++j;
        const double t = std::clamp((k[c] - target_k[j]) / (target_k[j + 1] - target_k[j]), 0.0, 1.0);
        const double y = target_chi[j] + t * (target_chi[j + 1] - target_chi[j]);
        const double w = std::pow(k[c], f.kweight);
        num += std::pow(w * (mean_row[c] - y), 2);
        den += std::pow(w * y, 2);
      }
      rf.push_back(den > 0 && !done.empty() ? num / den : kNaN);
      line.r_factor = rf.back();
    }
    lines.push_back(line);
  }
  std::vector<std::pair<std::string, std::vector<double>>> values = {
      {"/ensemble/chi_mean", chi_mean}, {"/ensemble/chi_stderr", chi_err}, {"/ensemble/sigma2", s2},
      {"/ensemble/sigma2_stderr", s2_err}, {"/ensemble/first_shell_r", r_mean}};
  if (rmc) {
    values.push_back({"/ensemble/misfit", mis});
    values.push_back({"/ensemble/r_factor", rf});
  }
  values.push_back({"/ensemble/members", members});  // last: members > 0 marks a written summary
  mpi::write_summary_values(results, values);
  return lines;
}

}  // namespace xasforge::workflows
