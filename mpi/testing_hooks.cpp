#include "mpi/testing_hooks.hpp"

#include <charconv>
#include <sstream>

#include "core/error.hpp"

namespace xasforge::mpi {
namespace {

int to_int(const std::string& text, const std::string& entry, int min) {
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min)
    throw InputError("--testing-hooks: '" + entry + "': expected an integer >= " + std::to_string(min));
  return v;
}

}  // namespace

TestingHooks parse_testing_hooks(std::string_view spec) {
  TestingHooks h;
  std::istringstream in{std::string(spec)};
  for (std::string entry; std::getline(in, entry, ',');) {
    if (entry.empty()) continue;
    const auto eq = entry.find('=');
    if (eq == std::string::npos || eq + 1 == entry.size())
      throw InputError("--testing-hooks: '" + entry + "' is not key=value");
    const std::string key = entry.substr(0, eq), value = entry.substr(eq + 1);
    if (key == "kill_at_write") {
      const auto colon = value.find(':');
      h.kill_at_checkpoint = to_int(value.substr(0, colon), entry, 1);
      if (colon != std::string::npos) h.kill_phase = value.substr(colon + 1);
      if (h.kill_phase != "data" && h.kill_phase != "status" && h.kill_phase != "flush")
        throw InputError("--testing-hooks: '" + entry + "': the phase is data, status or flush");
    } else if (key == "dispatch_log") {
      h.dispatch_log = value;
    } else if (key == "item_delay_ms") {
      const auto at = value.find('@');
      h.item_delay_ms = to_int(value.substr(0, at), entry, 0);
      if (at != std::string::npos) h.item_delay_rank = to_int(value.substr(at + 1), entry, 0);
    } else if (key == "item_subprocess") {
      h.item_subprocess_s = value;
    } else if (key == "fail_every") {
      h.fail_every = to_int(value, entry, 1);
    } else {
      throw InputError("--testing-hooks: unknown key '" + key +
                       "' (kill_at_write, dispatch_log, item_delay_ms, item_subprocess, fail_every)");
    }
  }
  return h;
}

}  // namespace xasforge::mpi
