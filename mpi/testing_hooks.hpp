#pragma once
/// Fault injection for the campaign tests: one plain settings struct, handed explicitly to the
/// code that acts on it (ResultsWriter, Scheduler, the campaign runner's stage wrapper). Nothing
/// here reads the environment; the only way in is `xasforge run --testing-hooks SPEC`, a hidden
/// option meant for tests (docs/campaign.md, "Tests"). Default-constructed: no hook is active.
#include <cstdint>
#include <string>
#include <string_view>

namespace xasforge::mpi {

struct TestingHooks {
  /// kill_at_write=K[:PHASE]: rank 0 SIGKILLs itself in its K-th checkpoint at PHASE = data
  /// (after the first data block), status (data written, status not yet) or flush (status
  /// written, not yet flushed). 0: off.
  int kill_at_checkpoint = 0;
  std::string kill_phase = "data";
  /// dispatch_log=FILE: rank 0 appends every item id it hands out (or runs itself), one a line.
  std::string dispatch_log;
  /// item_delay_ms=MS[@RANK]: every item (or only those run on rank RANK) sleeps MS first.
  int item_delay_ms = 0;
  int item_delay_rank = -1;  ///< -1: every rank
  /// item_subprocess=S: every item runs `sleep S` as a subprocess and waits for it (stands in
  /// for a FEFF module in the stop tests). Empty: off.
  std::string item_subprocess_s;
  /// fail_every=K: items whose id is a multiple of K throw. 0: off.
  int fail_every = 0;

  bool any() const {
    return kill_at_checkpoint > 0 || !dispatch_log.empty() || item_delay_ms > 0 || !item_subprocess_s.empty() ||
           fail_every > 0;
  }
};

/// Parses "key=value,key=value" with the keys above. Throws InputError naming the bad entry.
TestingHooks parse_testing_hooks(std::string_view spec);

}  // namespace xasforge::mpi
