#pragma once
/// A small, safe arithmetic language for forming mu(E) from data columns, e.g. "mu",
/// "ln(i0/itrans)", "ln(col3/col2)", "if/i0", "col2". Names are column labels or colN (1-based);
/// functions ln, log (both natural), log10, exp, sqrt, abs; operators + − * / and parentheses.
#include <memory>
#include <string>
#include <vector>

#include "core/xafs/column_file.hpp"

namespace xasforge::xafs {

class MuExpression {
 public:
  /// Parses text; throws InputError with the position and what was expected.
  explicit MuExpression(std::string text);
  ~MuExpression();
  MuExpression(MuExpression&&) noexcept;
  MuExpression& operator=(MuExpression&&) noexcept;

  const std::string& text() const { return text_; }
  /// Names the expression uses (as written).
  std::vector<std::string> names() const;
  /// Evaluates row by row over the file's columns. Throws InputError naming the file when a
  /// name is not a column.
  std::vector<double> evaluate(const ColumnFile& file) const;

  struct Node;

 private:
  std::string text_;
  std::unique_ptr<Node> root_;
};

}  // namespace xasforge::xafs
