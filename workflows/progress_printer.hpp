#pragma once
/// Rank 0's progress line: a bar redrawn in place on a terminal, plain lines in logs.
#include <cstdint>
#include <cstdio>
#include <string>

#include "mpi/scheduler.hpp"

namespace xasforge::workflows {

class ProgressPrinter {
 public:
  /// `already_done` items were finished (done or failed; `already_failed` of them failed) before
  /// this run, by earlier runs or at planning; `n_items` is the campaign's size.
  ProgressPrinter(std::FILE* out, std::int64_t already_done, std::int64_t already_failed, std::int64_t n_items);
  bool is_tty() const { return tty_; }
  void operator()(const mpi::Progress& p);
  /// "done 45/120 (2 failed) | 3.2 items/s | ETA 0:23"
  static std::string format_line(std::int64_t done, std::int64_t failed, std::int64_t n_items, double rate_per_s,
                                 double eta_s);

 private:
  std::FILE* out_;
  std::int64_t already_done_;
  std::int64_t already_failed_;
  std::int64_t n_items_;
  bool tty_;
};

/// "1:02:03", "2:03", or "?" for a negative time.
std::string format_duration(double seconds);

}  // namespace xasforge::workflows
