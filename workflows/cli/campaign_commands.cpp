// `xasforge validate`, `xasforge run`, `xasforge status`: the campaign sub-commands.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <iostream>
#include <map>
#include <memory>
#include <vector>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "mpi/results_file.hpp"
#include "workflows/campaign_config.hpp"
#include "workflows/campaign_plan.hpp"
#include "workflows/campaign_runner.hpp"
#include "workflows/campaign_schema.hpp"
#include "workflows/cli/commands.hpp"
#include "workflows/cli/train_command.hpp"
#include "workflows/progress_printer.hpp"
#include "workflows/stages/ensemble_stage.hpp"
#include "workflows/stages/pipeline.hpp"

namespace xasforge::cli {
namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

void validate(const std::string& file, bool plan) {
  const auto c = workflows::load_campaign(file);
  const workflows::Pipeline pipeline(c);
  const auto files = workflows::expand_structure_globs(c);
  workflows::check_ensemble_inputs(c);
  std::printf("%s: valid campaign '%s' (hash %s)\n", file.c_str(), c.name.c_str(), c.hash.c_str());
  std::printf("  structures   %zu files (max_sites %d)\n", files.size(), c.max_sites);
  std::printf("  absorbers    %s, edge %s\n", join(c.absorber_elements).c_str(), join(c.edges).c_str());
  std::printf("  scattering   rmax %g Å, max_legs %d, phases %s, Debye-Waller %s at %g K\n", c.scattering.rmax_A,
              c.scattering.max_legs, c.scattering.phases.c_str(), c.scattering.debye_waller.model.c_str(),
              c.scattering.debye_waller.temperature_K);
  std::printf("  ensemble     %s (%d member%s)\n", c.ensemble.kind.c_str(), c.ensemble.members,
              c.ensemble.members == 1 ? "" : "s");
  std::printf("  labels       %s; descriptors %s\n", join(c.labels).c_str(),
              c.descriptors.empty() ? "none" : join(c.descriptors).c_str());
  std::printf("  train        %s\n", c.train.requested ? (c.train.model + " -> " + c.train.target).c_str() : "no");
  std::printf("  output       %s, checkpoint every %s\n", c.output.file.c_str(),
              c.output.checkpoint_every_items > 0 ? (std::to_string(c.output.checkpoint_every_items) + " items").c_str()
                                                  : (workflows::format_duration(c.output.checkpoint_every_s)).c_str());
  std::printf("  stages       %s\n", join(pipeline.stage_names()).c_str());
  if (plan) {
    const auto p = workflows::plan_campaign(c);
    std::size_t failed = 0;
    for (const auto& it : p.items) failed += it.status == mpi::ItemStatus::kFailed;
    std::printf("  plan         %zu items (%zu failed at planning)\n", p.items.size(), failed);
    for (const auto& it : p.items)
      if (it.status == mpi::ItemStatus::kFailed) std::printf("    failed: %s\n", it.error.c_str());
  }
}

void status(const std::string& file) {
  const auto c = mpi::read_results_file(file);
  std::int64_t n[3] = {0, 0, 0};
  std::map<std::string, std::vector<std::string>> reasons;
  double first = INFINITY, last = -INFINITY, busy = 0;
  std::map<int, std::int64_t> per_rank;
  for (std::size_t i = 0; i < c.items.size(); ++i) {
    const auto& it = c.items[i];
    ++n[static_cast<int>(it.status)];
    if (it.status == mpi::ItemStatus::kFailed) reasons[it.error].push_back(it.key);
    if (it.status != mpi::ItemStatus::kPending && std::isfinite(c.finished_unix_s[i])) {
      const double w = std::isfinite(c.wall_s[i]) ? c.wall_s[i] : 0.0;
      first = std::min(first, c.finished_unix_s[i] - w);
      last = std::max(last, c.finished_unix_s[i]);
      busy += w;
      if (c.rank[i] >= 0) ++per_rank[c.rank[i]];
    }
  }
  const auto total = static_cast<std::int64_t>(c.items.size());
  std::printf("%s: campaign '%s' (hash %s, %s, created %s)\n", file.c_str(), c.meta.name.c_str(),
              c.meta.config_hash.c_str(), c.meta.code_version.c_str(), c.meta.created.c_str());
  std::printf("  items      %lld: %lld done, %lld failed, %lld pending\n", static_cast<long long>(total),
              static_cast<long long>(n[1]), static_cast<long long>(n[2]), static_cast<long long>(n[0]));
  std::printf("  structures %zu\n", c.structures.size());
  if (last > first) {
    const double span = last - first;
    std::printf("  throughput %.3g items/s over %s (first to last finished item; includes pauses between runs)\n",
                static_cast<double>(n[1] + n[2]) / span, workflows::format_duration(span).c_str());
    std::printf("  item time  mean %.3g s, %.3g CPU-s in all, on %zu rank%s\n",
                busy / static_cast<double>(std::max<std::int64_t>(n[1] + n[2], 1)), busy, per_rank.size(),
                per_rank.size() == 1 ? "" : "s");
  }
  if (!reasons.empty()) {
    std::printf("  failures by reason:\n");
    std::vector<std::pair<std::string, std::vector<std::string>>> sorted(reasons.begin(), reasons.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](auto& a, auto& b) { return a.second.size() > b.second.size(); });
    for (const auto& [why, keys] : sorted) {
      std::string ex;
      for (std::size_t k = 0; k < std::min<std::size_t>(keys.size(), 3); ++k) ex += (k ? ", " : "") + keys[k];
      if (keys.size() > 3) ex += ", ...";
      std::printf("    %5zu x %s\n          [%s]\n", keys.size(), why.c_str(), ex.c_str());
    }
  }
  std::fflush(stdout);
}

/// The campaign's `train` section as `xasforge train` options: the model and metrics are written
/// beside the results file (RESULTS_model.xfm, RESULTS_train.json).
TrainOptions train_options(const workflows::TrainSettings& t, const std::string& results) {
  TrainOptions o;
  o.results = results;
  const std::string stem = results.size() > 3 && results.compare(results.size() - 3, 3, ".h5") == 0
                               ? results.substr(0, results.size() - 3)
                               : results;
  o.output = stem + "_model.xfm";
  o.metrics_json = stem + "_train.json";
  o.model = t.model;
  o.target = t.target;
  o.features = t.input;
  o.normalization = t.normalization;
  o.cv = static_cast<std::size_t>(t.cv_folds);
  o.forest.n_trees = static_cast<std::size_t>(t.trees);
  o.forest.max_depth = t.max_depth;
  o.forest.seed = t.seed;
  o.network.seed = t.seed;
  auto& a = o.measured.augment;
  a.copies = static_cast<std::size_t>(t.augment_copies);
  a.s02_min = t.augment_s02[0], a.s02_max = t.augment_s02[1];
  a.e0_shift_eV = t.augment_e0_shift_eV;
  a.sigma2_min_A2 = t.augment_sigma2[0], a.sigma2_max_A2 = t.augment_sigma2[1];
  a.noise_min = t.augment_noise[0], a.noise_max = t.augment_noise[1];
  a.kmax_min_invA = t.augment_kmax[0], a.kmax_max_invA = t.augment_kmax[1];
  o.measured.calibrate = t.calibrate;
  if (t.group_cv > 0) {  // train.group_cv K: K structure-grouped folds (train --cv K --cv-groups structure)
    o.cv = static_cast<std::size_t>(t.group_cv);
    o.cv_groups = "structure";
  }
  o.measured.unsure_below = t.unsure_below;
  return o;
}

}  // namespace

void add_campaign_commands(CLI::App& app) {
  {
    auto file = std::make_shared<std::string>();
    auto schema = std::make_shared<bool>(false);
    auto plan = std::make_shared<bool>(false);
    CLI::App* cmd = app.add_subcommand("validate", "Check a campaign YAML file without running it");
    cmd->add_option("file", *file, "Campaign YAML file");
    cmd->add_flag("--schema", *schema, "Print the reference of every key (Markdown) instead");
    cmd->add_flag("--plan", *plan, "Also read the structures and count the work items");
    cmd->callback([file, schema, plan] {
      if (*schema) {
        std::cout << workflows::schema_reference_markdown();
        return;
      }
      if (file->empty()) throw CLI::RequiredError("file");
      validate(*file, *plan);
    });
  }
  {
    auto opts = std::make_shared<workflows::RunOptions>();
    CLI::App* cmd = app.add_subcommand("run", "Run (or resume) a campaign; works with and without mpirun");
    cmd->add_option("campaign", opts->campaign_file, "Campaign YAML file")->required();
    cmd->add_option("--output,-o", opts->output, "Results file (overrides output.file)");
    cmd->add_flag("--force", opts->force, "Start over if the results file holds another campaign");
    cmd->add_flag("--retry-failed", opts->retry_failed, "Also re-run items recorded as failed");
    // Fault injection for the campaign tests (mpi/testing_hooks.hpp, docs/campaign.md "Tests"):
    // hidden from --help (empty group), never needed by a user.
    cmd->add_option_function<std::string>(
           "--testing-hooks", [opts](const std::string& spec) { opts->testing = mpi::parse_testing_hooks(spec); },
           "Testing only: key=value,... (kill_at_write, dispatch_log, item_delay_ms, item_subprocess, fail_every)")
        ->group("");
    cmd->callback([opts] {
      std::exception_ptr error;
      bool quiet = false;
      {
        // Funneled: rank 0 runs its own items on a second thread that never calls MPI (scheduler.hpp).
        boost::mpi::environment env(boost::mpi::threading::funneled);
        boost::mpi::communicator world;
        try {
          const auto s = workflows::run_campaign(*opts, world);
          if (world.rank() == 0) {
            const auto& r = s.scheduler;
            std::printf("finished: %lld done, %lld failed in %.2f s; %d checkpoint write%s took %.3f s (%.2f%% of the run)\n",
                        static_cast<long long>(r.done), static_cast<long long>(r.failed), r.wall_s, r.checkpoints,
                        r.checkpoints == 1 ? "" : "s", r.checkpoint_s,
                        r.wall_s > 0 ? 100.0 * r.checkpoint_s / r.wall_s : 0.0);
            if (r.messages > 0)
              std::printf("master: %lld reports served, %.1f us of rank-0 time each\n", static_cast<long long>(r.messages),
                          1e6 * r.master_service_s / static_cast<double>(r.messages));
            if (!s.peak_rss_mib.empty()) {
              std::vector<double> m = s.peak_rss_mib;
              std::sort(m.begin(), m.end());
              std::printf("peak memory per rank: rank 0 %.0f MiB; all ranks min %.0f, median %.0f, max %.0f MiB\n",
                          s.peak_rss_mib[0], m.front(), m[m.size() / 2], m.back());
            }
            if (r.failed > 0) std::printf("see the reasons with: xasforge status %s\n", s.output.c_str());
            std::fflush(stdout);
          }
          // The campaign's train section: the training stage runs on the finished results file
          // (every rank; a training error leaves the results file as it is).
          const auto config = workflows::load_campaign(opts->campaign_file);
          if (config.train.requested) {
            const TrainOptions t = train_options(config.train, s.output);
            if (world.rank() == 0) std::printf("== train (campaign train section): %s -> %s\n", config.train.target.c_str(), t.output.c_str());
            run_train(t);
          }
        } catch (...) {
          error = std::current_exception();
          quiet = world.rank() != 0;  // agreed errors: every rank has the same; rank 0 reports it
        }
      }  // MPI_Finalize
      if (error) {
        if (quiet) throw CLI::RuntimeError(2);
        std::rethrow_exception(error);
      }
    });
  }
  {
    auto file = std::make_shared<std::string>();
    CLI::App* cmd = app.add_subcommand("status", "Progress and failures of a campaign results file");
    cmd->add_option("results", *file, "Results file (HDF5)")->required();
    cmd->callback([file] { status(*file); });
  }
}

}  // namespace xasforge::cli
