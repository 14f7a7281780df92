#include "core/structure/readers.hpp"

#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace xasforge::structure {

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot open file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw InputError(path.string() + ": read error");
  return buffer.str();
}

Structure read_structure(const std::filesystem::path& path) {
  const std::string ext = path.extension().string();
  Structure s;
  if (ext == ".json") {
    s = parse_mp_json(read_text_file(path), path.string());
  } else {
    throw InputError(path.string() + ": unsupported structure format '" + ext +
                     "' (expected .json)");
  }
  s.name = path.stem().string();
  s.source = path.string();
  return s;
}

}  // namespace xasforge::structure
