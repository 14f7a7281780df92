#pragma once
/// Trajectory readers and writer, so that users can bring MD from LAMMPS or machine-learned
/// potentials: extended XYZ (multi-frame, `Lattice="..."` and `Properties=species:S:1:pos:R:3`)
/// and LAMMPS text dump files (`ITEM: TIMESTEP`, `ITEM: NUMBER OF ATOMS`, `ITEM: BOX BOUNDS`
/// orthogonal or triclinic `xy xz yz`, `ITEM: ATOMS id type ...` with x y z, xu yu zu or
/// xs ys zs, and optionally an `element` column). Every error names the file and line.
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "core/structure/structure.hpp"

namespace xasforge::ensemble {

/// Every frame of an extended-XYZ file. Frames with a Lattice are periodic; frames without one
/// are clusters. The element comes from the `species` property (or the first column).
std::vector<structure::Structure> read_extxyz(const std::filesystem::path& path);

/// Every frame of a LAMMPS dump. `type_elements[t-1]` is the element symbol of LAMMPS type t
/// (needed unless the dump has an `element` column). Atoms are ordered by id.
std::vector<structure::Structure> read_lammps_dump(const std::filesystem::path& path,
                                                   const std::vector<std::string>& type_elements = {});

/// Chooses the reader: LAMMPS dump when the file starts with "ITEM:" (or its extension is .dump or
/// .lammpstrj), else extended XYZ (.xyz, .extxyz); other structure formats (.cif, .json, POSCAR)
/// are read as a single frame with structure::read_structure.
std::vector<structure::Structure> read_trajectory(const std::filesystem::path& path,
                                                  const std::vector<std::string>& type_elements = {});

/// Writes one frame in extended XYZ (Lattice and pbc when periodic), Cartesian Å, %.8f.
void write_extxyz_frame(std::ostream& out, const structure::Structure& frame, const std::string& comment = "");

}  // namespace xasforge::ensemble
