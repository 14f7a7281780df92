#pragma once
/// Column data files of measured spectra: XDI (header fields, column labels, user comments) and
/// plain whitespace-separated columns after any free-text header (the layout Larch's read_ascii
/// accepts).
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace xasforge::xafs {

struct ColumnFile {
  std::string path;
  bool is_xdi = false;
  std::string xdi_version;                          ///< "1.0" from "# XDI/1.0 ..."
  std::map<std::string, std::string> fields;        ///< XDI "Family.key" (or plain "key: value") → value
  std::vector<std::string> comments;                ///< XDI user comments (between "///" and "---")
  std::vector<std::string> header;                  ///< every header line, as read
  std::vector<std::string> labels;                  ///< one per column ("col1"… when none found)
  std::vector<std::vector<double>> columns;         ///< columns[c][row]
  std::vector<std::size_t> line_numbers;            ///< 1-based file line of each data row

  std::size_t n_rows() const { return columns.empty() ? 0 : columns.front().size(); }
  /// Column index for a name: "colN" (1-based) or a label (case-insensitive); throws
  /// InputError naming the file and the available names.
  std::size_t column_index(const std::string& name) const;
  bool has_column(const std::string& name) const;
};

/// Reads an XDI or plain column file. The data block is the last run of lines holding only
/// numbers. Throws InputError naming the file (and line) when the file cannot be read, holds no
/// numeric rows, or a data row has a different number of values than the first.
ColumnFile read_column_file(const std::filesystem::path& path);

}  // namespace xasforge::xafs
