#include "mpi/scheduler.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <future>
#include <optional>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/mpi/nonblocking.hpp>
#include <boost/mpi/request.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include "core/error.hpp"

namespace xasforge::mpi {
namespace {

constexpr int kTagReport = 101;
constexpr int kTagOrder = 102;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double unix_now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// Outcome summary a worker reports to rank 0 (the data rows stay on the worker).
struct Outcome {
  std::int64_t item = 0;
  std::int8_t status = 0;
  double wall_s = 0.0;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & item & status & wall_s;
  }
};

struct Report {
  std::vector<Outcome> outcomes;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & outcomes;
  }
};

enum class OrderKind : int { kBatch = 0, kCheckpoint = 1, kFinish = 2 };

struct Order {
  int kind = 0;
  std::vector<std::int64_t> items;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & kind & items;
  }
};

// ---- nothing left running when the rank is stopped ------------------------------------------
//
// What an item may have running besides the rank's own threads: a forked item child (time limit)
// and its process group (the child leads it; FEFF's modules join it), or, for an in-process item,
// the subprocesses the stage spawned (children of the thread running the item). The slots below
// name them while an item runs; at most two items run per rank (a worker's; rank 0's own item
// next to its serving loop). Three ways a rank can be stopped, and what cleans up:
//  - SIGTERM, SIGINT, SIGHUP (Ctrl-C, `timeout`, a batch system's end of job, mpirun passing on
//    either): on_stop_signal SIGKILLs every registered item group and every child of a thread
//    running an in-process item, then lets the signal take its usual course (the disposition in
//    force before the scheduler started). In a run without mpiexec the helper daemon Open MPI
//    starts for a singleton is such a child too; the rank is stopping, so it may go as well.
//  - SIGKILL of the rank: no handler runs. A forked item child asked the kernel for a parent-death
//    signal (PR_SET_PDEATHSIG, SIGTERM), and its SIGTERM handler SIGKILLs its whole process group.
//    The subprocesses of an in-process item run to their own end (no kernel hook reaches them);
//    scheduler.item_time_limit (forked items) closes that gap too.
//  - Normal end: every item is reaped before run() returns.

constexpr int kItemSlots = 4;
std::atomic<pid_t> g_item_group[kItemSlots];   // process group of a forked item (0: free)
std::atomic<pid_t> g_item_thread[kItemSlots];  // thread id running an in-process item (0: free)
struct sigaction g_previous[NSIG];
constexpr int kStopSignals[] = {SIGTERM, SIGINT, SIGHUP};

/// Claims a free slot for `value` in `slots` for the lifetime of the object.
class SlotClaim {
 public:
  SlotClaim(std::atomic<pid_t>* slots, pid_t value) {
    for (int i = 0; i < kItemSlots; ++i) {
      pid_t expected = 0;
      if (slots[i].compare_exchange_strong(expected, value)) {
        slot_ = &slots[i];
        return;
      }
    }
  }
  SlotClaim(const SlotClaim&) = delete;
  SlotClaim& operator=(const SlotClaim&) = delete;
  ~SlotClaim() {
    if (slot_) slot_->store(0);
  }

 private:
  std::atomic<pid_t>* slot_ = nullptr;
};

/// SIGKILLs the children of thread `tid` of this process (/proc/self/task/TID/children, a list of
/// pids). Only async-signal-safe calls (open, read, close, kill); digits formatted by hand.
void kill_children_of_thread(pid_t tid) {
  char path[64] = "/proc/self/task/";
  std::size_t n = std::strlen(path);
  char digits[16];
  int nd = 0;
  for (auto t = static_cast<unsigned>(tid); t > 0 && nd < 16; t /= 10) digits[nd++] = static_cast<char>('0' + t % 10);
  while (nd > 0) path[n++] = digits[--nd];
  const char tail[] = "/children";
  for (char c : tail) path[n++] = c;  // includes the terminating NUL
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char buffer[4096];
  const ssize_t got = ::read(fd, buffer, sizeof buffer - 1);
  ::close(fd);
  pid_t pid = 0;
  for (ssize_t i = 0; i <= got; ++i) {
    const char c = i < got ? buffer[i] : ' ';
    if (c >= '0' && c <= '9') {
      pid = pid * 10 + (c - '0');
    } else if (pid > 0) {
      ::kill(pid, SIGKILL);
      pid = 0;
    }
  }
}

extern "C" void on_stop_signal(int sig) {
  const int saved_errno = errno;
  for (auto& g : g_item_group)
    if (const pid_t p = g.load(); p > 0) ::kill(-p, SIGKILL);
  for (auto& t : g_item_thread)
    if (const pid_t tid = t.load(); tid > 0) kill_children_of_thread(tid);
  ::sigaction(sig, &g_previous[sig], nullptr);
  errno = saved_errno;
  ::raise(sig);  // delivered on return, with the previous disposition (by default: terminate)
}

/// Installs on_stop_signal for the scheduler's lifetime; restores the previous handlers after.
class StopSignalGuard {
 public:
  StopSignalGuard() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    for (int sig : kStopSignals) {
      // A signal the caller ignores (nohup, some batch wrappers) stays ignored.
      if (::sigaction(sig, nullptr, &g_previous[sig]) == 0 && g_previous[sig].sa_handler != SIG_IGN)
        ::sigaction(sig, &sa, nullptr);
    }
  }
  StopSignalGuard(const StopSignalGuard&) = delete;
  StopSignalGuard& operator=(const StopSignalGuard&) = delete;
  ~StopSignalGuard() {
    for (int sig : kStopSignals) ::sigaction(sig, &g_previous[sig], nullptr);
  }
};

/// In a forked item child: a stop signal (or the parent-death signal) takes the child's whole
/// process group, i.e. the item and every FEFF module it started.
extern "C" void on_stop_signal_in_child(int) { ::kill(0, SIGKILL); }

pid_t this_thread_id() { return static_cast<pid_t>(::syscall(SYS_gettid)); }

// ---- running one item, in process or in a forked child --------------------------------------

void append_bytes(std::string& out, const void* p, std::size_t n) { out.append(static_cast<const char*>(p), n); }

/// Child → parent message: 'D' + n_blocks + (n + doubles)* for done; 'F' + text for failed.
std::string encode(const StageValues& values) {
  std::string out = "D";
  const std::uint64_t nb = values.size();
  append_bytes(out, &nb, sizeof nb);
  for (const auto& v : values) {
    const std::uint64_t n = v.size();
    append_bytes(out, &n, sizeof n);
    append_bytes(out, v.data(), n * sizeof(double));
  }
  return out;
}

StageValues decode(const std::string& msg) {
  StageValues values;
  std::size_t pos = 1;
  auto take = [&](void* dst, std::size_t n) {
    if (pos + n > msg.size()) throw Error("truncated result from the item's child process");
    std::memcpy(dst, msg.data() + pos, n);
    pos += n;
  };
  std::uint64_t nb = 0;
  take(&nb, sizeof nb);
  values.resize(nb);
  for (auto& v : values) {
    std::uint64_t n = 0;
    take(&n, sizeof n);
    v.resize(n);
    take(v.data(), n * sizeof(double));
  }
  return values;
}

void write_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t w = ::write(fd, data.data() + off, data.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    off += static_cast<std::size_t>(w);
  }
}

StageValues run_in_child(std::int64_t item, const StageFunction& stage, double limit_s) {
  int fds[2];
  if (::pipe(fds) != 0) throw Error(std::string("pipe() failed: ") + std::strerror(errno));
  std::fflush(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw Error(std::string("fork() failed: ") + std::strerror(errno));
  }
  if (pid == 0) {  // child: compute, send, _exit (no MPI, no HDF5, no atexit handlers)
    // Its own process group, so that a time-out kills what the stage started too (FEFF's
    // potential modules run as subprocesses and would otherwise run on, orphaned).
    ::setpgid(0, 0);
    // Die with the rank, group and all: a stop signal or the rank's death (parent-death signal;
    // if the rank is already gone, getppid() has changed and the group goes at once).
    struct sigaction stop {};
    stop.sa_handler = on_stop_signal_in_child;
    sigemptyset(&stop.sa_mask);
    for (int sig : kStopSignals) ::sigaction(sig, &stop, nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::kill(0, SIGKILL);
    ::close(fds[0]);
    // A crash must kill the child so the parent can report it, whatever handlers the parent
    // installed (MPI libraries, test frameworks).
    for (int sig : {SIGSEGV, SIGABRT, SIGFPE, SIGILL, SIGBUS}) std::signal(sig, SIG_DFL);
    std::string msg;
    try {
      msg = encode(stage(item));
    } catch (const std::exception& e) {
      msg = std::string("F") + e.what();
    } catch (...) {
      msg = "Fstage threw a non-standard exception";
    }
    write_all(fds[1], msg);
    ::close(fds[1]);
    ::_exit(0);
  }
  ::close(fds[1]);
  ::setpgid(pid, pid);  // also here: whichever of the two runs first, the group exists before a kill
  const SlotClaim claim(g_item_group, pid);
  std::string msg;
  const auto t0 = Clock::now();
  bool timed_out = false;
  char buffer[65536];
  for (;;) {
    const double left_s = limit_s - seconds_since(t0);
    if (left_s <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::ceil(std::min(left_s, 1.0) * 1000.0)));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) continue;
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child is done (or died)
    msg.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(-pid, SIGKILL);  // the child's whole process group
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  char text[160];
  if (timed_out) {
    std::snprintf(text, sizeof text, "item exceeded the time limit of %g s and was killed", limit_s);
    throw Error(text);
  }
  if (WIFSIGNALED(wstatus)) {
    std::snprintf(text, sizeof text, "stage crashed (signal %d, %s)", WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
    throw Error(text);
  }
  if (msg.empty()) throw Error("stage child process exited without a result");
  if (msg[0] == 'F') throw Error(msg.substr(1));
  return decode(msg);
}

// ---- testing hook: append dispatched ids to a file (testing_hooks.hpp, dispatch_log) ---------

void log_dispatch(const std::string& path, const std::vector<std::int64_t>& ids) {
  if (path.empty() || ids.empty()) return;
  if (FILE* f = std::fopen(path.c_str(), "a")) {
    for (auto id : ids) std::fprintf(f, "%lld\n", static_cast<long long>(id));
    std::fclose(f);
  }
}

}  // namespace

FinishedRow execute_item(std::int64_t item, const StageFunction& stage, double time_limit_s, int rank) {
  FinishedRow row;
  row.item = item;
  row.rank = rank;
  const auto t0 = Clock::now();
  try {
    if (time_limit_s > 0) {
      row.values = run_in_child(item, stage, time_limit_s);
    } else {
      const SlotClaim claim(g_item_thread, this_thread_id());  // its subprocesses: this thread's children
      row.values = stage(item);
    }
    row.status = ItemStatus::kDone;
  } catch (const std::exception& e) {
    row.status = ItemStatus::kFailed;
    row.error = e.what();
    row.values.clear();
  } catch (...) {
    row.status = ItemStatus::kFailed;
    row.error = "stage threw a non-standard exception";
    row.values.clear();
  }
  row.wall_s = seconds_since(t0);
  row.finished_unix_s = unix_now_s();
  return row;
}

Scheduler::Scheduler(const boost::mpi::communicator& comm, SchedulerOptions options)
    : comm_(comm), options_(options) {
  if (options_.checkpoint_every_s < 0 || options_.checkpoint_every_items < 0 || options_.item_time_limit_s < 0 ||
      options_.max_batch < 1)
    throw InputError("scheduler: negative checkpoint interval, time limit or max_batch < 1");
}

SchedulerReport Scheduler::run(const std::vector<std::int64_t>& todo_in, const StageFunction& stage,
                               const CheckpointFunction& checkpoint, const ProgressFunction& progress) {
  const StopSignalGuard stop_guard;  // a stop signal first takes the items' processes down
  const int rank = comm_.rank();
  const int size = comm_.size();
  const auto t_start = Clock::now();
  SchedulerReport report;
  std::vector<FinishedRow> held;  // rows finished on this rank since the last checkpoint

  auto do_checkpoint = [&] {
    const auto t0 = Clock::now();
    checkpoint(held);
    held.clear();
    report.checkpoint_s += seconds_since(t0);
    ++report.checkpoints;
  };

  // ---------------- worker ----------------
  if (rank != 0) {
    Report r;
    comm_.send(0, kTagReport, r);
    for (;;) {
      Order order;
      comm_.recv(0, kTagOrder, order);
      if (order.kind == static_cast<int>(OrderKind::kBatch)) {
        r.outcomes.clear();
        for (auto id : order.items) {
          held.push_back(execute_item(id, stage, options_.item_time_limit_s, rank));
          const auto& row = held.back();
          r.outcomes.push_back({id, static_cast<std::int8_t>(row.status), row.wall_s});
          (row.status == ItemStatus::kDone ? report.done : report.failed)++;
        }
        comm_.send(0, kTagReport, r);
      } else if (order.kind == static_cast<int>(OrderKind::kCheckpoint)) {
        do_checkpoint();
        r.outcomes.clear();
        comm_.send(0, kTagReport, r);
      } else {
        do_checkpoint();
        break;
      }
    }
    report.wall_s = seconds_since(t_start);
    return report;
  }

  // ---------------- master (rank 0) ----------------
  const int n_workers = size - 1;
  const bool master_computes =
      n_workers == 0 || options_.master_computes == 1 || (options_.master_computes == -1 && size < 4);
  const int n_compute = n_workers + (master_computes ? 1 : 0);
  std::deque<std::int64_t> queue(todo_in.begin(), todo_in.end());
  const auto total = static_cast<std::int64_t>(todo_in.size());

  double sum_item_s = 0.0;
  std::int64_t n_timed = 0;
  std::int64_t since_checkpoint = 0;
  auto last_checkpoint = Clock::now();
  auto last_progress = Clock::now();
  bool checkpoint_pending = false;
  bool finishing = false;  // some worker was told FINISH: no new checkpoint may start
  int told_checkpoint = 0, told_finish = 0;

  auto account = [&](std::int8_t status, double wall_s) {
    (status == static_cast<std::int8_t>(ItemStatus::kDone) ? report.done : report.failed)++;
    sum_item_s += wall_s;
    ++n_timed;
    ++since_checkpoint;
  };
  auto emit_progress = [&](bool is_final) {
    if (!progress) return;
    if (!is_final && seconds_since(last_progress) < options_.progress_every_s) return;
    last_progress = Clock::now();
    Progress p;
    p.total = total;
    p.done = report.done;
    p.failed = report.failed;
    p.elapsed_s = seconds_since(t_start);
    const auto finished = report.done + report.failed;
    p.rate_per_s = p.elapsed_s > 0 ? static_cast<double>(finished) / p.elapsed_s : 0.0;
    p.eta_s = p.rate_per_s > 0 ? static_cast<double>(total - finished) / p.rate_per_s : -1.0;
    p.is_final = is_final;
    progress(p);
  };
  auto checkpoint_due = [&] {
    if (finishing || checkpoint_pending || queue.empty()) return false;
    if (options_.checkpoint_every_items > 0 && since_checkpoint >= options_.checkpoint_every_items) return true;
    return options_.checkpoint_every_s > 0 && seconds_since(last_checkpoint) >= options_.checkpoint_every_s;
  };
  auto next_batch = [&] {
    std::size_t b = 1;
    if (options_.fixed_batch > 0) {
      b = static_cast<std::size_t>(options_.fixed_batch);
    } else if (n_timed > 0) {
      const double mean = std::max(sum_item_s / static_cast<double>(n_timed), 1e-6);
      b = static_cast<std::size_t>(std::clamp(std::ceil(options_.target_batch_s / mean), 1.0,
                                              static_cast<double>(options_.max_batch)));
      // Keep the tail balanced: never more than half of a fair share of what is left.
      b = std::min(b, std::max<std::size_t>(1, queue.size() / (2 * static_cast<std::size_t>(n_compute))));
    }
    b = std::min(b, queue.size());
    std::vector<std::int64_t> ids(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(b));
    queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(b));
    log_dispatch(options_.dispatch_log, ids);
    return ids;
  };
  auto finish_checkpoint_if_ready = [&] {
    if (checkpoint_pending && told_checkpoint == n_workers) {
      do_checkpoint();
      checkpoint_pending = false;
      told_checkpoint = 0;
      since_checkpoint = 0;
      last_checkpoint = Clock::now();
    }
  };

  std::vector<Report> inbox(static_cast<std::size_t>(n_workers));
  std::vector<boost::mpi::request> requests;
  std::vector<int> request_worker;
  for (int w = 1; w <= n_workers; ++w) {
    requests.push_back(comm_.irecv(w, kTagReport, inbox[static_cast<std::size_t>(w - 1)]));
    request_worker.push_back(w);
  }

  auto serve = [&](std::size_t slot) {
    const auto t0 = Clock::now();
    const int w = request_worker[slot];
    Report& r = inbox[static_cast<std::size_t>(w - 1)];
    for (const auto& o : r.outcomes) account(o.status, o.wall_s);
    r.outcomes.clear();
    ++report.messages;
    Order order;
    bool expects_reply = true;
    if (checkpoint_due()) checkpoint_pending = true;
    if (checkpoint_pending) {
      order.kind = static_cast<int>(OrderKind::kCheckpoint);
      ++told_checkpoint;
    } else if (!queue.empty()) {
      order.kind = static_cast<int>(OrderKind::kBatch);
      order.items = next_batch();
    } else {
      order.kind = static_cast<int>(OrderKind::kFinish);
      finishing = true;
      ++told_finish;
      expects_reply = false;
    }
    comm_.send(w, kTagOrder, order);
    if (expects_reply) {
      requests[slot] = comm_.irecv(w, kTagReport, r);
    } else {
      requests.erase(requests.begin() + static_cast<std::ptrdiff_t>(slot));
      request_worker.erase(request_worker.begin() + static_cast<std::ptrdiff_t>(slot));
    }
    report.master_service_s += seconds_since(t0);
  };

  // Rank 0's own item runs on a second thread while this one keeps serving (with workers to
  // serve; alone it runs inline). Only this thread calls MPI (MPI_THREAD_FUNNELED); the item
  // thread runs the stage (core code: no MPI, no HDF5) and nothing else. Its row joins `held`
  // here, when collected, so a checkpoint that falls due meanwhile proceeds without it and the
  // row goes into the next one.
  std::future<FinishedRow> own;
  auto collect_own = [&] {
    held.push_back(own.get());
    account(static_cast<std::int8_t>(held.back().status), held.back().wall_s);
  };
  auto own_ready = [&] { return own.valid() && own.wait_for(std::chrono::seconds(0)) == std::future_status::ready; };
  // Polling period while the own item runs: the longest a worker's report waits for an answer.
  constexpr auto kPoll = std::chrono::milliseconds(1);

  for (;;) {
    // Serve every report that has arrived.
    while (!requests.empty()) {
      auto hit = boost::mpi::test_any(requests.begin(), requests.end());
      if (!hit) break;
      serve(static_cast<std::size_t>(hit->second - requests.begin()));
    }
    if (own_ready()) collect_own();
    if (checkpoint_due()) checkpoint_pending = true;
    finish_checkpoint_if_ready();
    emit_progress(false);

    if (master_computes && !own.valid() && !checkpoint_pending && !queue.empty()) {
      const std::int64_t id = queue.front();
      queue.pop_front();
      log_dispatch(options_.dispatch_log, {id});
      if (n_workers == 0) {
        held.push_back(execute_item(id, stage, options_.item_time_limit_s, 0));
        account(static_cast<std::int8_t>(held.back().status), held.back().wall_s);
      } else {
        own = std::async(std::launch::async,
                         [&stage, id, limit = options_.item_time_limit_s] { return execute_item(id, stage, limit, 0); });
      }
      continue;
    }
    if (queue.empty() && !checkpoint_pending && told_finish == n_workers && !own.valid()) break;
    // Wait for the next event: a worker's report, or the own item finishing.
    if (own.valid()) {
      bool served = false;
      while (!served && !own_ready()) {
        if (!requests.empty()) {
          if (auto hit = boost::mpi::test_any(requests.begin(), requests.end())) {
            serve(static_cast<std::size_t>(hit->second - requests.begin()));
            served = true;
            continue;
          }
        }
        own.wait_for(kPoll);
      }
    } else if (!requests.empty()) {
      auto [status, it] = boost::mpi::wait_any(requests.begin(), requests.end());
      (void)status;
      serve(static_cast<std::size_t>(it - requests.begin()));
    }
  }
  do_checkpoint();  // the final collective write, joined by every worker told FINISH
  report.wall_s = seconds_since(t_start);
  emit_progress(true);
  return report;
}

}  // namespace xasforge::mpi
