#pragma once
/// Athena project files (.prj, Demeter's format, gzip-compressed or plain): the records' energy
/// (`@x`) and mu(E) (`@y`) arrays and their labels, as Larch's read_athena gives them.
#include <filesystem>
#include <string>
#include <vector>

namespace xasforge::xafs {

struct AthenaGroup {
  std::string name;    ///< `$old_group`, the record's key in the project
  std::string label;   ///< the `label` entry of `@args` (Athena's displayed name); name if none
  std::vector<double> energy_eV;
  std::vector<double> mu;
  std::size_t line = 0;  ///< 1-based line of the record's `$old_group` in the uncompressed text
};

/// True when the file name ends in .prj (case-insensitive).
bool is_athena_project(const std::filesystem::path& path);

/// Every record of the project, in file order. Throws InputError naming the file and line for: a
/// file that cannot be read or decompressed, a first line that is not an Athena project header,
/// a record without @x or @y, arrays of different lengths or a number that does not parse.
std::vector<AthenaGroup> read_athena_project(const std::filesystem::path& path);

}  // namespace xasforge::xafs
