#pragma once
/// Error types of xasforge, split by what the caller does next (docs/architecture.md, "Errors").
#include <stdexcept>
#include <string>

namespace xasforge {

/// Base of every error xasforge throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The user can fix it: a malformed file, an unknown element, a bad option value.
/// The message names the file and line, or the item, and says what was expected.
class InputError : public Error {
 public:
  using Error::Error;
};

/// The input was valid but the method failed: no paths within r_max, a reference program failed.
class PhysicsError : public Error {
 public:
  using Error::Error;
};

}  // namespace xasforge
