#include "core/structure/readers.hpp"

#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/structure/text_parsing.hpp"
#include "core/structure/validate.hpp"

namespace xasforge::structure {

namespace {
constexpr std::uintmax_t kMaxFileBytes = 256ull << 20;

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }
}  // namespace

std::string read_text_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw InputError(path.string() + ": no such file");
  if (!std::filesystem::is_regular_file(status)) throw InputError(path.string() + ": not a regular file");
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxFileBytes)
    throw InputError(path.string() + ": file is " + std::to_string(size >> 20) + " MiB, larger than the 256 MiB a structure file may have");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot open file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw InputError(path.string() + ": read error");
  return buffer.str();
}

StructureFormat format_from_path(const std::filesystem::path& path) {
  const std::string ext = detail::to_lower(path.extension().string());
  const std::string name = detail::to_lower(path.filename().string());
  if (ext == ".json") return StructureFormat::kMpJson;
  if (ext == ".cif" || ext == ".mcif") return StructureFormat::kCif;
  if (ext == ".vasp" || ext == ".poscar" || starts_with(name, "poscar") || starts_with(name, "contcar"))
    return StructureFormat::kPoscar;
  if (ext == ".xyz" || ext == ".extxyz") return StructureFormat::kXyz;
  throw InputError(path.string() + ": unknown structure format '" + path.filename().string() +
                   "' (expected .json (pymatgen/MP), .cif, POSCAR*/CONTCAR*/.vasp/.poscar, or .xyz/.extxyz)");
}

Structure parse_structure(std::string_view text, StructureFormat format, const std::string& source) {
  Structure s;
  try {
    switch (format) {
      case StructureFormat::kMpJson: s = parse_mp_json(text, source); break;
      case StructureFormat::kCif: s = parse_cif(text, source); break;
      case StructureFormat::kPoscar: s = parse_poscar(text, source); break;
      case StructureFormat::kXyz: s = parse_xyz(text, source); break;
    }
  } catch (const InputError& e) {
    // Errors raised below the readers (Structure, Lattice, elements) do not know the file.
    const std::string what = e.what();
    if (starts_with(what, source)) throw;
    throw InputError(source + ": " + what);
  }
  s.source = source;
  validate_structure(s);
  return s;
}

Structure read_structure(const std::filesystem::path& path) {
  const StructureFormat format = format_from_path(path);
  Structure s = parse_structure(read_text_file(path), format, path.string());
  s.name = format == StructureFormat::kPoscar && path.extension().empty() ? path.filename().string()
                                                                           : path.stem().string();
  s.source = path.string();
  return s;
}

}  // namespace xasforge::structure
