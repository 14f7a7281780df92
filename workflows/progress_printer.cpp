#include "workflows/progress_printer.hpp"

#include <unistd.h>

#include <cmath>

namespace xasforge::workflows {

std::string format_duration(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds)) return "?";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

ProgressPrinter::ProgressPrinter(std::FILE* out, std::int64_t already_done, std::int64_t already_failed,
                                 std::int64_t n_items)
    : out_(out),
      already_done_(already_done),
      already_failed_(already_failed),
      n_items_(n_items),
      tty_(::isatty(::fileno(out)) == 1) {}

std::string ProgressPrinter::format_line(std::int64_t done, std::int64_t failed, std::int64_t n_items,
                                         double rate_per_s, double eta_s) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "done %lld/%lld (%lld failed) | %.3g items/s | ETA %s", static_cast<long long>(done),
                static_cast<long long>(n_items), static_cast<long long>(failed), rate_per_s,
                format_duration(eta_s).c_str());
  return buf;
}

void ProgressPrinter::operator()(const mpi::Progress& p) {
  const std::int64_t finished = already_done_ + p.done + p.failed;
  const std::string line =
      format_line(finished, already_failed_ + p.failed, n_items_, p.rate_per_s, p.is_final ? 0.0 : p.eta_s);
  if (tty_) {
    constexpr int kWidth = 30;
    const double frac = n_items_ > 0 ? static_cast<double>(finished) / static_cast<double>(n_items_) : 1.0;
    const int filled = static_cast<int>(std::lround(frac * kWidth));
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(out_, "\r[%s] %s\033[K%s", bar.c_str(), line.c_str(), p.is_final ? "\n" : "");
  } else {
    std::fprintf(out_, "progress: %s\n", line.c_str());
  }
  std::fflush(out_);
}

}  // namespace xasforge::workflows
