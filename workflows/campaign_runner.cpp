#include "workflows/campaign_runner.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/mpi/collectives.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include "core/error.hpp"
#include "core/numerics/random.hpp"
#include "core/structure/readers.hpp"
#include "mpi/results_file.hpp"
#include "workflows/campaign_config.hpp"
#include "workflows/campaign_plan.hpp"
#include "workflows/ensemble_summary.hpp"
#include "workflows/stages/ensemble_stage.hpp"
#include "workflows/stages/spectrum_stage.hpp"
#include "workflows/progress_printer.hpp"
#include "workflows/stages/pipeline.hpp"

#ifndef XASFORGE_VERSION
#define XASFORGE_VERSION "unknown"
#endif

namespace xasforge::workflows {
namespace {

/// What rank 0 decides and every rank needs.
struct Prepared {
  std::string error;          ///< non-empty: every rank throws InputError(error)
  bool needs_plan = false;    ///< a new results file: every rank joins the planning
  std::string yaml_text;
  std::string output;
  bool resumed = false;
  std::int64_t already_done = 0;    ///< finished (done or failed) before this run
  std::int64_t already_failed = 0;  ///< of which failed
  std::vector<std::string> structure_paths;
  std::vector<std::int32_t> structure, site, z, multiplicity, member;
  std::vector<std::string> edge, key, plan_error;
  std::vector<std::int64_t> todo;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & error & needs_plan & yaml_text & output & resumed & already_done & already_failed & structure_paths & structure & site & z & multiplicity &
        member & edge & key & plan_error & todo;
  }
};

std::string utc_now_iso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::uint64_t item_seed(std::uint64_t campaign_seed, std::int64_t item) {
  // Streams keyed by item id, never by rank (docs/physics.md (E10.4)).
  return random::mix_seed(campaign_seed, static_cast<std::uint64_t>(item));
}

void fill_items(Prepared& p, const std::vector<mpi::StructureEntry>& structures, const std::vector<mpi::ItemEntry>& items) {
  for (const auto& s : structures) p.structure_paths.push_back(s.path);
  for (const auto& it : items) {
    p.structure.push_back(it.structure);
    p.site.push_back(it.site);
    p.z.push_back(it.z);
    p.multiplicity.push_back(it.multiplicity);
    p.member.push_back(it.member);
    p.edge.push_back(it.edge);
    p.key.push_back(it.key);
    p.plan_error.push_back(it.error);
  }
}

std::string join_paths(const std::vector<mpi::BlockSpec>& blocks) {
  std::string s;
  for (const auto& b : blocks) s += (s.empty() ? "" : ", ") + b.path;
  return s;
}

/// An exclusive flock on "<results>.lock", held by rank 0 for the whole run, so that two runs
/// never write one results file. The kernel drops it when the process dies, even by SIGKILL.
class RunLock {
 public:
  RunLock() = default;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  /// Returns false if another process holds the lock.
  bool acquire(const std::filesystem::path& results) {
    if (results.has_parent_path()) std::filesystem::create_directories(results.parent_path());
    const std::string path = results.string() + ".lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw InputError(path + ": cannot create the lock file");
    return ::flock(fd_, LOCK_EX | LOCK_NB) == 0;
  }

 private:
  int fd_ = -1;
};

/// Rank 0: plan a new results file or pick up an existing one.
void prepare_on_root(const RunOptions& options, Prepared& p, RunLock& lock) {
  p.yaml_text = structure::read_text_file(options.campaign_file);
  const CampaignConfig config = parse_campaign(p.yaml_text, options.campaign_file);
  const Pipeline pipeline(config);
  check_ensemble_inputs(config);  // trajectory frames, RMC target: errors name the YAML line
  p.output = options.output.empty() ? config.output.file : options.output;
  const std::filesystem::path out(p.output);
  if (!lock.acquire(out)) {
    p.error = p.output + " is being written by another xasforge run (it holds " + p.output + ".lock)";
    return;
  }
  if (std::filesystem::exists(out)) {
    const mpi::ResultsContent existing = mpi::read_results_file(out);
    std::vector<std::string> want;
    for (const auto& b : pipeline.blocks()) want.push_back(b.path);
    std::string why;
    if (existing.meta.config_hash != config.hash)
      why = p.output + " holds campaign '" + existing.meta.name + "' (hash " + existing.meta.config_hash +
            ", created " + existing.meta.created + "), not this one (hash " + config.hash + ")";
    else if (existing.block_paths != want)
      why = p.output + " was written by a build with other stages (blocks: " +
            [&] { std::string s; for (const auto& b : existing.block_paths) s += (s.empty() ? "" : ", ") + b; return s; }() +
            "; this build: " + join_paths(pipeline.blocks()) + ")";
    if (!why.empty() && !options.force) {
      p.error = why + "; use --force to start it over (the file is replaced) or --output to write elsewhere";
      return;
    }
    if (why.empty()) {
      p.resumed = true;
      std::vector<mpi::StructureEntry> structures = existing.structures;
      fill_items(p, structures, existing.items);
      for (std::size_t i = 0; i < existing.items.size(); ++i) {
        const auto& it = existing.items[i];
        const bool retry = options.retry_failed && it.status == mpi::ItemStatus::kFailed && it.site >= 0;
        if (it.status == mpi::ItemStatus::kPending || retry) {
          p.todo.push_back(static_cast<std::int64_t>(i));
        } else {
          ++p.already_done;
          p.already_failed += it.status == mpi::ItemStatus::kFailed ? 1 : 0;
        }
      }
      return;
    }
    std::filesystem::remove(out);  // --force
  }
  p.needs_plan = true;  // planned by every rank next (plan_and_create)
}

/// Collective, for a new results file: every rank plans its share of the structures
/// (campaign_plan.hpp), rank 0 creates the file from the gathered plan and fills `p`.
void plan_and_create(const CampaignConfig& config, const Pipeline& pipeline, const boost::mpi::communicator& comm,
                     Prepared& p) {
  const auto t0 = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  PlanProgressFunction progress;
  double last_shown = -1.0;
  if (comm.rank() == 0) {
    const bool tty = ::isatty(::fileno(stderr)) == 1;
    const double every_s = tty ? 0.25 : config.output.progress_every_s;
    progress = [&, tty, every_s](std::size_t planned, std::size_t share, std::size_t total) {
      const double t = seconds();
      if (planned != share && t - last_shown < every_s) return;
      last_shown = t;
      std::fprintf(stderr, "%splanning %zu structures on %d rank%s: rank 0 has read %zu of its %zu (%.1f s)%s",
                   tty ? "\r" : "", total, comm.size(), comm.size() == 1 ? "" : "s", planned, share, t,
                   tty && planned != share ? "" : "\n");
      std::fflush(stderr);
    };
  }
  // CPU time as well as wall time: on a shared machine the wall time says little about the cost.
  auto cpu_s = [] {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  };
  const double cpu0 = cpu_s();
  CampaignPlan plan = plan_campaign(config, comm, progress);
  const double cpu = cpu_s() - cpu0;
  std::vector<double> cpus;
  if (comm.rank() != 0) {
    boost::mpi::gather(comm, cpu, 0);
    return;
  }
  boost::mpi::gather(comm, cpu, cpus, 0);
  try {
    double cpu_max = 0, cpu_sum = 0;
    for (const double c : cpus) cpu_max = std::max(cpu_max, c), cpu_sum += c;
    std::printf("planned %zu structures into %zu items in %.2f s on %d rank%s (CPU %.2f s on the busiest rank, %.2f s in all)\n",
                plan.structures.size(), plan.items.size(), seconds(), comm.size(), comm.size() == 1 ? "" : "s", cpu_max,
                cpu_sum);
    std::fflush(stdout);
    mpi::CampaignMeta meta{config.name, p.yaml_text, config.hash, code_version(), utc_now_iso()};
    const double t_create = seconds();
    mpi::create_results_file(p.output, meta, plan.structures, plan.items, pipeline.blocks(),
                             ensemble_tables(config, plan.items, shared_k_grid_invA(config).size()));
    std::printf("created %s (every dataset at its final size) in %.2f s\n", p.output.c_str(), seconds() - t_create);
    std::fflush(stdout);
    fill_items(p, plan.structures, plan.items);
    for (std::size_t i = 0; i < plan.items.size(); ++i) {
      if (plan.items[i].status == mpi::ItemStatus::kPending) {
        p.todo.push_back(static_cast<std::int64_t>(i));
      } else {
        ++p.already_done;
        ++p.already_failed;  // failed at planning
      }
    }
  } catch (const std::exception& e) {
    p.error = e.what();
  }
}

/// The per-item testing hooks (mpi/testing_hooks.hpp: item_delay_ms, item_subprocess,
/// fail_every), given by `xasforge run --testing-hooks` and inert by default.
class TestHooks {
 public:
  TestHooks(const mpi::TestingHooks& h, int rank)
      : delay_ms_(h.item_delay_rank < 0 || h.item_delay_rank == rank ? h.item_delay_ms : 0),
        fail_every_(h.fail_every),
        subprocess_s_(h.item_subprocess_s) {}
  void apply(std::int64_t id) const {
    if (fail_every_ > 0 && id % fail_every_ == 0) throw Error("test hook: item " + std::to_string(id) + " fails");
    if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
    if (subprocess_s_.empty()) return;
    std::string arg0 = "sleep", arg1 = subprocess_s_;
    char* argv[] = {arg0.data(), arg1.data(), nullptr};
    pid_t pid = 0;
    if (::posix_spawnp(&pid, "sleep", nullptr, nullptr, argv, environ) != 0) throw Error("test hook: cannot spawn sleep");
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }

 private:
  int delay_ms_ = 0;
  int fail_every_ = 0;
  std::string subprocess_s_;
};

/// The most recently used structure, per rank (items come in structure order).
class StructureCache {
 public:
  const structure::Structure& get(std::int32_t index, const std::string& path) {
    if (index != index_) {
      current_.reset();
      index_ = index;
      current_ = std::make_shared<structure::Structure>(structure::read_structure(path));
    }
    return *current_;
  }

 private:
  std::int32_t index_ = -1;
  std::shared_ptr<structure::Structure> current_;
};

}  // namespace

std::string code_version() { return std::string("xasforge ") + XASFORGE_VERSION; }

RunSummary run_campaign(const RunOptions& options, const boost::mpi::communicator& comm) {
  Prepared p;
  RunLock lock;
  if (comm.rank() == 0) {
    try {
      prepare_on_root(options, p, lock);
    } catch (const std::exception& e) {
      p.error = e.what();
    }
  }
  boost::mpi::broadcast(comm, p, 0);
  if (!p.error.empty()) throw InputError(p.error);

  const CampaignConfig config = parse_campaign(p.yaml_text, options.campaign_file);
  const Pipeline pipeline(config);
  if (p.needs_plan) {
    plan_and_create(config, pipeline, comm, p);  // throws InputError on every rank for a glob error
    p.needs_plan = false;
    boost::mpi::broadcast(comm, p, 0);
    if (!p.error.empty()) throw InputError(p.error);
  }
  RunSummary summary;
  summary.output = p.output;
  summary.resumed = p.resumed;
  summary.n_items = static_cast<std::int64_t>(p.key.size());
  summary.already_done = p.already_done;
  summary.to_do = static_cast<std::int64_t>(p.todo.size());

  if (comm.rank() == 0) {
    std::printf("%s %s: %lld items (%lld finished before, %lld to run) on %d rank%s -> %s\n",
                p.resumed ? "resuming" : "campaign", config.name.c_str(), static_cast<long long>(summary.n_items),
                static_cast<long long>(summary.already_done), static_cast<long long>(summary.to_do), comm.size(),
                comm.size() == 1 ? "" : "s", p.output.c_str());
    std::fflush(stdout);
  }

  // From here on a failure on one rank cannot be agreed on: report it and abort the job (the
  // results file stays consistent; rerunning resumes).
  try {
    mpi::ResultsWriter writer(p.output, MPI_Comm(comm), pipeline.blocks());
    StructureCache cache;
    const TestHooks hooks(options.testing, comm.rank());
    writer.set_testing_hooks(options.testing);
    const mpi::StageFunction stage = [&](std::int64_t id) {
      hooks.apply(id);
      const auto i = static_cast<std::size_t>(id);
      if (p.site[i] < 0) throw InputError(p.plan_error[i]);
      mpi::ItemEntry item;
      item.structure = p.structure[i];
      item.site = p.site[i];
      item.z = p.z[i];
      item.multiplicity = p.multiplicity[i];
      item.edge = p.edge[i];
      item.member = p.member[i];
      item.key = p.key[i];
      const auto& s = cache.get(item.structure, p.structure_paths.at(static_cast<std::size_t>(item.structure)));
      const StageContext context{config, id, item, s, item_seed(config.seed, id)};
      try {
        return pipeline.run(context);
      } catch (const std::exception& e) {
        throw Error(std::string(e.what()) + " (item " + std::to_string(id) + ", " + item.key + ")");
      }
    };
    const mpi::CheckpointFunction checkpoint = [&](const std::vector<mpi::FinishedRow>& rows) {
      writer.write_checkpoint(rows);
    };
    mpi::SchedulerOptions so;
    so.checkpoint_every_s = config.output.checkpoint_every_s;
    so.checkpoint_every_items = config.output.checkpoint_every_items;
    so.item_time_limit_s = config.scheduler.item_time_limit_s;
    so.target_batch_s = config.scheduler.batch_seconds;
    so.master_computes = config.scheduler.master_computes;
    so.dispatch_log = options.testing.dispatch_log;
    std::unique_ptr<ProgressPrinter> printer;
    mpi::ProgressFunction progress;
    if (comm.rank() == 0) {
      printer = std::make_unique<ProgressPrinter>(stderr, p.already_done, p.already_failed, summary.n_items);
      so.progress_every_s = printer->is_tty() ? 0.25 : config.output.progress_every_s;
      progress = [&](const mpi::Progress& pr) { (*printer)(pr); };
    }
    mpi::Scheduler scheduler(comm, so);
    summary.scheduler = scheduler.run(p.todo, stage, checkpoint, progress);
    writer.close();
    // Every rank's peak resident memory (the kernel's high-water mark), for the scale figures.
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const double rss_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
    if (comm.rank() == 0)
      boost::mpi::gather(comm, rss_mib, summary.peak_rss_mib, 0);
    else
      boost::mpi::gather(comm, rss_mib, 0);
    if (comm.rank() == 0 && config.ensemble.kind != "none") {
      // Ensemble means and standard errors from the rows now on disk (serial, rank 0 only).
      for (const auto& line : write_ensemble_summary(p.output, config)) {
        std::printf("ensemble %s: %d member%s, first-shell sigma2 %.5f +- %.5f A^2 at %.4f A", line.key.c_str(),
                    line.members, line.members == 1 ? "" : "s", line.sigma2_A2, line.sigma2_stderr_A2,
                    line.first_shell_r_A);
        if (config.ensemble.kind == "rmc") std::printf(", R-factor of the mean %.4f", line.r_factor);
        std::printf("\n");
      }
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xasforge: rank %d: error: %s\n", comm.rank(), e.what());
    std::fflush(stderr);
    comm.abort(3);
  }
  return summary;
}

}  // namespace xasforge::workflows
