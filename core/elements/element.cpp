#include "core/elements/element.hpp"

#include <array>
#include <cctype>
#include <limits>
#include <string>

#include "core/error.hpp"

namespace xasforge::elements {
namespace {

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

constexpr std::array<Element, kMaxZ> kTable = {{
#include "core/elements/element_data.inc"
}};

static_assert(kTable.front().z == 1 && kTable.back().z == kMaxZ, "element table must cover Z = 1..96");

}  // namespace

const Element& element(int z) {
  if (z < 1 || z > kMaxZ)
    throw InputError("atomic number " + std::to_string(z) + " is outside the supported range 1..96");
  return kTable[static_cast<std::size_t>(z - 1)];
}

std::optional<int> atomic_number(std::string_view symbol) {
  // Strip an oxidation-state suffix as pymatgen writes it ("Fe2+", "O2-", "Fe+").
  std::size_t n = 0;
  while (n < symbol.size() && std::isalpha(static_cast<unsigned char>(symbol[n]))) ++n;
  const std::string_view rest = symbol.substr(n);
  if (!rest.empty()) {
    std::size_t i = 0;
    while (i < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[i])) || rest[i] == '.')) ++i;
    if (i + 1 != rest.size() || (rest[i] != '+' && rest[i] != '-')) return std::nullopt;
  }
  const std::string_view bare = symbol.substr(0, n);
  for (const Element& e : kTable)
    if (e.symbol == bare) return e.z;
  return std::nullopt;
}

int atomic_number_or_throw(std::string_view symbol) {
  if (auto z = atomic_number(symbol)) return *z;
  throw InputError("unknown element '" + std::string(symbol) + "'");
}

bool is_metal(int z) {
  (void)element(z);  // range check
  switch (z) {
    case 1: case 2:                                          // H He
    case 5: case 6: case 7: case 8: case 9: case 10:         // B C N O F Ne
    case 14: case 15: case 16: case 17: case 18:             // Si P S Cl Ar
    case 32: case 33: case 34: case 35: case 36:             // Ge As Se Br Kr
    case 51: case 52: case 53: case 54:                      // Sb Te I Xe
    case 85: case 86:                                        // At Rn
      return false;
    default:
      return true;
  }
}

}  // namespace xasforge::elements
