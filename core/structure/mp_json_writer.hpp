#pragma once
/// Writes a structure as pymatgen `Structure.as_dict()` JSON (a cluster as `Molecule.as_dict()`),
/// the form parse_mp_json() and pymatgen's `Structure.from_dict` read back.
#include <string>

#include "core/structure/structure.hpp"

namespace xasforge::structure {

/// The JSON text. Numbers are printed with round-trip precision, so reading the text back gives
/// the same lattice and fractional coordinates bit for bit. indent < 0: one line.
std::string to_mp_json(const Structure& structure, int indent = -1);

}  // namespace xasforge::structure
