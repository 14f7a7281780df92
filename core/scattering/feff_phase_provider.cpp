#include "core/scattering/feff_phase_provider.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <tuple>
#include <vector>

#include "core/error.hpp"
#include "core/scattering/feff_files.hpp"

extern char** environ;

namespace xasforge::scattering {
namespace {

namespace fs = std::filesystem;

struct Fnv {
  std::uint64_t h = 1469598103934665603ull;
  void bytes(const void* p, std::size_t n) {
    const auto* c = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ c[i]) * 1099511628211ull;
  }
  void i64(std::int64_t v) { bytes(&v, sizeof v); }
  std::string hex() const {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
  }
};

std::int64_t q(double v, double step) { return static_cast<std::int64_t>(std::llround(v / step)); }

/// Last `max_chars` characters of a file (FEFF's own messages), or a note if unreadable.
std::string tail_of(const fs::path& p, std::size_t max_chars = 1500) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return "(no output captured)";
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  if (s.empty()) return "(no output)";
  if (s.size() > max_chars) s = "..." + s.substr(s.size() - max_chars);
  return s;
}

/// Full path of a FEFF executable: in `dir` when given, else the first match on PATH.
std::string locate(const std::string& name, const std::string& dir) {
  if (!dir.empty()) {
    const fs::path p = fs::path(dir) / name;
    if (::access(p.c_str(), X_OK) != 0)
      throw PhysicsError("FEFF module " + name + " not found: '" + p.string() +
                         "' does not exist or is not executable (PhaseSettings::feff_bin_dir = '" + dir +
                         "'); install Debian package feff85exafs");
    return p.string();
  }
  const char* path = std::getenv("PATH");
  std::string entries = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= entries.size()) {
    std::size_t end = entries.find(':', start);
    if (end == std::string::npos) end = entries.size();
    const std::string d = entries.substr(start, end - start);
    if (!d.empty()) {
      const fs::path p = fs::path(d) / name;
      if (::access(p.c_str(), X_OK) == 0) return p.string();
    }
    start = end + 1;
  }
  throw PhysicsError("FEFF module " + name + " not found on PATH; install Debian package feff85exafs or set "
                     "PhaseSettings::feff_bin_dir");
}

/// Runs one FEFF module in `dir` (no shell), stdout+stderr to dir/<name>.log; returns exit status.
int run_module(const std::string& exe, const fs::path& dir, const fs::path& log) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addchdir_np(&fa, dir.c_str());
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char> arg0(exe.begin(), exe.end());
  arg0.push_back('\0');
  char* argv[] = {arg0.data(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, exe.c_str(), &fa, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1000 - rc;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -999;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return -WTERMSIG(status);
}

/// Private scratch folder, removed on destruction unless kept.
class Scratch {
 public:
  Scratch(const std::string& root, bool keep) : keep_(keep) {
    static std::atomic<unsigned> counter{0};
    const fs::path base = root.empty() ? fs::temp_directory_path() : fs::path(root);
    std::random_device rd;
    for (int attempt = 0; attempt < 100; ++attempt) {
      char name[96];
      std::snprintf(name, sizeof name, "xasforge-feff-%d-%u-%08x", static_cast<int>(::getpid()), counter.fetch_add(1),
                    rd());
      const fs::path p = base / name;
      std::error_code ec;
      if (fs::create_directory(p, ec)) {
        path_ = p;
        return;
      }
      if (ec && ec != std::errc::file_exists)
        throw PhysicsError("cannot create a FEFF scratch folder in '" + base.string() + "': " + ec.message());
    }
    throw PhysicsError("cannot create a unique FEFF scratch folder in '" + base.string() + "'");
  }
  ~Scratch() {
    if (!keep_ && !path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  bool keep_ = false;
};

}  // namespace

std::string settings_key(const PhaseSettings& s) {
  std::ostringstream os;
  os.precision(10);
  os << "edge=" << feff::edge_name(s.edge) << ";r=" << s.cluster_radius_A << ";ixc=" << s.exchange
     << ";vr0=" << s.exchange_vr0_eV << ";vi0=" << s.exchange_vi0_eV;
  return os.str();
}

std::string structure_hash(const structure::Structure& st) {
  Fnv f;
  f.i64(st.is_periodic() ? 1 : 0);
  if (st.is_periodic()) {
    const auto& m = st.lattice().matrix_A();
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) f.i64(q(m(i, j), 1e-6));
  }
  for (const auto& s : st.sites()) {
    f.i64(s.z);
    for (int j = 0; j < 3; ++j) f.i64(q(s.cartesian_A[j], 1e-6));
  }
  return f.hex();
}

std::string absorber_class_key(const feff::FeffCluster& c) {
  std::vector<std::tuple<int, int, std::int64_t>> sig;
  sig.reserve(c.atoms.size());
  for (std::size_t i = 0; i < c.atoms.size(); ++i) sig.emplace_back(c.ipot[i], c.atoms[i].z, q(c.atoms[i].distance_A, 1e-4));
  std::sort(sig.begin(), sig.end());
  Fnv f;
  for (const auto& [ip, z, d] : sig) {
    f.i64(ip);
    f.i64(z);
    f.i64(d);
  }
  return f.hex();
}

PhaseShifts FeffPhaseProvider::run_feff(const feff::FeffCluster& cluster, const PhaseSettings& settings,
                                        const std::string& title) {
  // Locate all modules first so a missing one fails before any work.
  const char* modules[] = {"feff8l_rdinp", "feff8l_pot", "feff8l_xsph"};
  std::vector<std::string> exes;
  for (const char* m : modules) exes.push_back(locate(m, settings.feff_bin_dir));

  Scratch scratch(settings.scratch_root, settings.keep_scratch);
  feff::FeffCards cards;
  cards.title = title;
  cards.edge = settings.edge;
  cards.control = "1 1 0 0 0 0";
  cards.print = "0 2 0 0 0 0";  // phaseNN.dat needs the 2nd entry >= 2 (docs/physics.md §0)
  cards.exchange = settings.exchange;
  cards.exchange_vr0_eV = settings.exchange_vr0_eV;
  cards.exchange_vi0_eV = settings.exchange_vi0_eV;
  {
    std::ofstream inp(scratch.path() / "feff.inp");
    feff::write_feff_inp(inp, cluster, cards);
    if (!inp) throw PhysicsError("cannot write feff.inp in '" + scratch.path().string() + "'");
  }
  // expected outputs of each module (FEFF often exits 0 after its own 'stop' on errors)
  const std::vector<std::vector<const char*>> outputs = {{"pot.json", "xsph.json"}, {"pot.pad"}, {"phase.pad", "phase00.dat"}};
  for (std::size_t m = 0; m < exes.size(); ++m) {
    const fs::path log = scratch.path() / (std::string(modules[m]) + ".log");
    const int rc = run_module(exes[m], scratch.path(), log);
    std::string missing;
    for (const char* o : outputs[m])
      if (!fs::exists(scratch.path() / o)) missing += std::string(missing.empty() ? "" : ", ") + o;
    if (rc != 0 || !missing.empty()) {
      std::string why = rc <= -1000 ? "could not be started (" + std::string(std::strerror(-1000 - rc)) + ")"
                        : rc < 0    ? "was killed by signal " + std::to_string(-rc)
                        : rc != 0   ? "exited with status " + std::to_string(rc)
                                    : "did not write " + missing;
      throw PhysicsError("FEFF module " + std::string(modules[m]) + " failed: it " + why + " in '" +
                         scratch.path().string() + "'. FEFF says:\n" + tail_of(log));
    }
  }
  try {
    return feff::read_phase_shifts(scratch.path());
  } catch (const InputError& e) {
    throw PhysicsError(std::string("FEFF module feff8l_xsph wrote unreadable phase files: ") + e.what());
  }
}

PhaseShifts FeffPhaseProvider::compute(const structure::Structure& structure, std::size_t absorber_site,
                                       const PhaseSettings& settings) {
  return cache_.get_or_compute(structure, absorber_site, settings, [&](const feff::FeffCluster& cluster) {
    const std::string title = (structure.name.empty() ? std::string("structure") : structure.name) + " site " +
                              std::to_string(absorber_site);
    return run_feff(cluster, settings, title);
  });
}

}  // namespace xasforge::scattering
