#pragma once
/// Checked HDF5 C calls and an RAII handle for hid_t (every C call goes through a
/// checked wrapper that names the operation and keeps the library's own error text).
///
/// Usage: `Hid file{h5_check(H5Fopen(...), "H5Fopen " + path), H5Fclose};` and
/// `h5_check(H5Dwrite(...), "H5Dwrite /spectra/chi")`. A negative return value throws
/// xasforge::Error whose message holds the operation and HDF5's error stack, innermost last.
#include <hdf5.h>

#include <string>
#include <utility>

#include "core/error.hpp"

namespace xasforge::mpi {

/// HDF5's current error stack as text ("H5Dwrite(): can't write data; H5D__write(): ...").
std::string hdf5_error_stack();

/// Throws xasforge::Error("HDF5: <what> failed: <stack>") if status < 0; returns status otherwise.
template <typename T>
T h5_check(T status, const std::string& what) {
  if (status < 0) throw Error("HDF5: " + what + " failed: " + hdf5_error_stack());
  return status;
}

/// Turns off HDF5's automatic printing of error stacks (we put them in exception messages).
void silence_hdf5_errors();

/// Move-only owner of an hid_t with its close function (H5Fclose, H5Dclose, H5Sclose, ...).
/// The destructor closes and never throws; a failed close is reported on stderr.
class Hid {
 public:
  using Closer = herr_t (*)(hid_t);
  Hid() = default;
  Hid(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  Hid(Hid&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
  Hid& operator=(Hid&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      closer_ = other.closer_;
    }
    return *this;
  }
  ~Hid() { reset(); }

  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }  // NOLINT: pass straight to the C API
  bool valid() const { return id_ >= 0; }
  /// Closes now and reports a failure as an exception (use for files, where close flushes).
  void close(const std::string& what);
  void reset() noexcept;

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

}  // namespace xasforge::mpi
