#pragma once
/// Structure readers. Every reader names the file (and line or item) in its InputError.
#include <filesystem>
#include <string>
#include <string_view>

#include "core/structure/structure.hpp"

namespace xasforge::structure {

/// Materials Project / pymatgen `Structure.as_dict()` JSON (also the `{"structure": {...}}` and
/// MP API document wrappers). `source` names the file in error messages.
Structure parse_mp_json(std::string_view text, const std::string& source);

/// Reads any supported file, chosen by extension: .json (MP JSON), .cif, POSCAR/CONTCAR/.vasp,
/// .xyz/.extxyz. The structure's name is the file stem, its source the path.
Structure read_structure(const std::filesystem::path& path);

/// Whole file as text; throws InputError naming the path if it cannot be read.
std::string read_text_file(const std::filesystem::path& path);

}  // namespace xasforge::structure
