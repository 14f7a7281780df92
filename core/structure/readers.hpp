#pragma once
/// Structure readers. Every reader names the file (and line or item) in its InputError.
#include <filesystem>
#include <string>
#include <string_view>

#include "core/structure/structure.hpp"

namespace xasforge::structure {

/// Materials Project / pymatgen `Structure.as_dict()` JSON (also the `{"structure": {...}}` and
/// MP API document wrappers, and pymatgen `Molecule.as_dict()` as a cluster). `source` names the
/// file in error messages.
Structure parse_mp_json(std::string_view text, const std::string& source);

/// CIF 1.1 as written by the Materials Project / pymatgen, ICSD and COD: symmetry operations
/// (`_symmetry_equiv_pos_as_xyz`, `_space_group_symop_operation_xyz`, or the space-group name or
/// number when none are listed) applied to the `_atom_site` loop, duplicates closer than 1e-4 in
/// fractional coordinates removed (pymatgen's tolerance). Sites come out in file order, each
/// asymmetric-unit atom followed by its images. Partial occupancy is rejected.
Structure parse_cif(std::string_view text, const std::string& source);

/// VASP 5 POSCAR/CONTCAR (VASP 4 when the comment line names the species): scale factor
/// (negative = volume in Å³, or three per-axis factors), Direct or Cartesian, Selective dynamics.
Structure parse_poscar(std::string_view text, const std::string& source);

/// XYZ (a finite cluster) or extended XYZ with Lattice="..." (periodic); first frame only.
Structure parse_xyz(std::string_view text, const std::string& source);

enum class StructureFormat { kMpJson, kCif, kPoscar, kXyz };

/// The format a file name implies: .json; .cif/.mcif; POSCAR*, CONTCAR*, *.vasp, *.poscar;
/// .xyz/.extxyz (case-insensitive). Throws InputError listing the supported forms otherwise.
StructureFormat format_from_path(const std::filesystem::path& path);

/// Parses text in the given format, then validates it (validate.hpp defaults: no atoms closer
/// than 0.5 Å, no empty structure). Every error starts with `source`.
Structure parse_structure(std::string_view text, StructureFormat format, const std::string& source);

/// Reads any supported file, chosen by format_from_path(), and validates it. The structure's
/// name is the file stem (the file name for POSCAR/CONTCAR), its source the path.
Structure read_structure(const std::filesystem::path& path);

/// Whole file as text; throws InputError naming the path if it cannot be read, is not a regular
/// file or is larger than 256 MiB (no structure file is; this keeps /dev/zero from hanging us).
std::string read_text_file(const std::filesystem::path& path);

}  // namespace xasforge::structure
