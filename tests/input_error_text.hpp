#pragma once
// The message of the InputError a call throws, for tests that check what a user is told.
#include <functional>
#include <string>

#include "core/error.hpp"

namespace xasforge::test {

/// what() of the InputError thrown by f, or "(no InputError)" when f returns normally (so a
/// CHECK_THAT(..., Contains(...)) on the result fails with a readable message).
inline std::string input_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

}  // namespace xasforge::test
