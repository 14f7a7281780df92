#pragma once
// Where tests find data: the checkout, the shared folder beside it, the build tree.
#include <cstdlib>
#include <filesystem>

namespace xasforge::test {

inline std::filesystem::path source_dir() { return XASFORGE_SOURCE_DIR; }
inline std::filesystem::path binary_dir() { return XASFORGE_BINARY_DIR; }
/// ../shared beside the checkout, or $XASFORGE_SHARED when set.
inline std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("XASFORGE_SHARED")) return env;
  return XASFORGE_SHARED_DIR;
}
inline std::filesystem::path structures_dir() { return shared_dir() / "data" / "structures"; }
/// The measured spectra and their manifest (../shared/data/experimental).
inline std::filesystem::path experimental_dir() { return shared_dir() / "data" / "experimental"; }
inline std::filesystem::path reference_dir() { return source_dir() / "tests" / "reference"; }

}  // namespace xasforge::test
