#include "core/xafs/mu_expression.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "core/error.hpp"

namespace xasforge::xafs {

struct MuExpression::Node {
  enum class Kind { kNumber, kName, kNegate, kAdd, kSubtract, kMultiply, kDivide, kFunction } kind = Kind::kNumber;
  double value = 0.0;
  std::string name;  // column name or function name
  std::unique_ptr<Node> left, right;
};

namespace {

using Node = MuExpression::Node;

class Parser {
 public:
  explicit Parser(const std::string& text) : s_(text) {}

  std::unique_ptr<Node> parse() {
    auto node = expression();
    skip();
    if (pos_ != s_.size()) fail("unexpected '" + std::string(1, s_[pos_]) + "'");
    return node;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError("mu expression '" + s_ + "', at character " + std::to_string(pos_ + 1) + ": " + what +
                     " (expected names, numbers, + - * /, parentheses, ln/log/log10/exp/sqrt/abs)");
  }
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool accept(char c) {
    skip();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::unique_ptr<Node> binary(Node::Kind kind, std::unique_ptr<Node> a, std::unique_ptr<Node> b) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->left = std::move(a);
    n->right = std::move(b);
    return n;
  }
  std::unique_ptr<Node> expression() {
    auto node = term();
    for (;;) {
      if (accept('+')) node = binary(Node::Kind::kAdd, std::move(node), term());
      else if (accept('-')) node = binary(Node::Kind::kSubtract, std::move(node), term());
      else return node;
    }
  }
  std::unique_ptr<Node> term() {
    auto node = factor();
    for (;;) {
      if (accept('*')) node = binary(Node::Kind::kMultiply, std::move(node), factor());
      else if (accept('/')) node = binary(Node::Kind::kDivide, std::move(node), factor());
      else return node;
    }
  }
  std::unique_ptr<Node> factor() {
    if (accept('-')) {
      auto n = std::make_unique<Node>();
      n->kind = Node::Kind::kNegate;
      n->left = factor();
      return n;
    }
    if (accept('+')) return factor();
    return primary();
  }
  std::unique_ptr<Node> primary() {
    skip();
    if (pos_ >= s_.size()) fail("the expression ends too early");
    if (accept('(')) {
      auto node = expression();
      if (!accept(')')) fail("missing ')'");
      return node;
    }
    const char c = s_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      const char* begin = s_.c_str() + pos_;
      char* end = nullptr;
      const double v = std::strtod(begin, &end);
      if (end == begin) fail("bad number");
      pos_ += static_cast<std::size_t>(end - begin);
      auto n = std::make_unique<Node>();
      n->value = v;
      return n;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::string word;
      while (pos_ < s_.size() &&
             (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_' || s_[pos_] == '.'))
        word.push_back(s_[pos_++]);
      skip();
      if (pos_ < s_.size() && s_[pos_] == '(') {
        static const char* const kFunctions[] = {"ln", "log", "log10", "exp", "sqrt", "abs"};
        bool known = false;
        for (const char* f : kFunctions) known = known || word == f;
        if (!known) fail("unknown function '" + word + "'");
        ++pos_;
        auto n = std::make_unique<Node>();
        n->kind = Node::Kind::kFunction;
        n->name = word;
        n->left = expression();
        if (!accept(')')) fail("missing ')' after the argument of " + word);
        return n;
      }
      auto n = std::make_unique<Node>();
      n->kind = Node::Kind::kName;
      n->name = word;
      return n;
    }
    fail("unexpected '" + std::string(1, c) + "'");
  }

  const std::string& s_;
  std::size_t pos_ = 0;
};

void collect_names(const Node* n, std::vector<std::string>& out) {
  if (n == nullptr) return;
  if (n->kind == Node::Kind::kName) out.push_back(n->name);
  collect_names(n->left.get(), out);
  collect_names(n->right.get(), out);
}

struct Bound {
  const Node* node;
  std::vector<Bound> children;
  const std::vector<double>* column = nullptr;
};

Bound bind(const Node* n, const ColumnFile& file) {
  Bound b{n, {}, nullptr};
  if (n->kind == Node::Kind::kName) b.column = &file.columns[file.column_index(n->name)];
  if (n->left) b.children.push_back(bind(n->left.get(), file));
  if (n->right) b.children.push_back(bind(n->right.get(), file));
  return b;
}

double eval(const Bound& b, std::size_t row) {
  const Node* n = b.node;
  switch (n->kind) {
    case Node::Kind::kNumber: return n->value;
    case Node::Kind::kName: return (*b.column)[row];
    case Node::Kind::kNegate: return -eval(b.children[0], row);
    case Node::Kind::kAdd: return eval(b.children[0], row) + eval(b.children[1], row);
    case Node::Kind::kSubtract: return eval(b.children[0], row) - eval(b.children[1], row);
    case Node::Kind::kMultiply: return eval(b.children[0], row) * eval(b.children[1], row);
    case Node::Kind::kDivide: return eval(b.children[0], row) / eval(b.children[1], row);
    case Node::Kind::kFunction: {
      const double x = eval(b.children[0], row);
      if (n->name == "ln" || n->name == "log") return std::log(x);
      if (n->name == "log10") return std::log10(x);
      if (n->name == "exp") return std::exp(x);
      if (n->name == "sqrt") return std::sqrt(x);
      return std::abs(x);
    }
  }
  return NAN;
}

}  // namespace

MuExpression::MuExpression(std::string text) : text_(std::move(text)) {
  Parser parser(text_);
  root_ = parser.parse();
}
MuExpression::~MuExpression() = default;
MuExpression::MuExpression(MuExpression&&) noexcept = default;
MuExpression& MuExpression::operator=(MuExpression&&) noexcept = default;

std::vector<std::string> MuExpression::names() const {
  std::vector<std::string> out;
  collect_names(root_.get(), out);
  return out;
}

std::vector<double> MuExpression::evaluate(const ColumnFile& file) const {
  const Bound bound = bind(root_.get(), file);
  std::vector<double> out(file.n_rows());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = eval(bound, i);
  return out;
}

}  // namespace xasforge::xafs
