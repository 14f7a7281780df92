#include "mpi/hdf5_handle.hpp"

#include <cstdio>

namespace xasforge::mpi {
namespace {

herr_t collect_frame(unsigned /*n*/, const H5E_error2_t* e, void* out) {
  auto* text = static_cast<std::string*>(out);
  if (!text->empty()) *text += "; ";
  *text += std::string(e->func_name ? e->func_name : "?") + "(): " + (e->desc ? e->desc : "");
  return 0;
}

}  // namespace

std::string hdf5_error_stack() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_frame, &text);
  H5Eclear2(H5E_DEFAULT);
  return text.empty() ? "(no HDF5 error stack)" : text;
}

void silence_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

void Hid::close(const std::string& what) {
  if (id_ < 0) return;
  const hid_t id = std::exchange(id_, H5I_INVALID_HID);
  h5_check(closer_(id), what);
}

void Hid::reset() noexcept {
  if (id_ < 0) return;
  const hid_t id = std::exchange(id_, H5I_INVALID_HID);
  if (closer_ && closer_(id) < 0)
    std::fprintf(stderr, "xasforge: warning: closing HDF5 object failed: %s\n", hdf5_error_stack().c_str());
}

}  // namespace xasforge::mpi
