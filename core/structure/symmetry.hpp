#pragma once
/// Space group and symmetry-equivalent sites of a periodic structure, through spglib
/// (Togo & Tanaka, https://spglib.readthedocs.io; Debian libsymspg 2.0.2), called the way
/// pymatgen's SpacegroupAnalyzer calls it, so the classes match
/// `SpacegroupAnalyzer(s).get_symmetrized_structure().equivalent_indices`.
#include <cstddef>
#include <string>
#include <vector>

#include "core/structure/structure.hpp"

namespace xasforge::structure {

struct SymmetryOptions {
  double symprec_A = 0.01;           ///< distance tolerance (pymatgen SpacegroupAnalyzer default)
  double angle_tolerance_deg = 5.0;  ///< angle tolerance (pymatgen default)
};

struct SymmetryInfo {
  int spacegroup_number = 1;         ///< International Tables number, 1..230
  std::string international_symbol;  ///< short Hermann-Mauguin symbol, e.g. "Fd-3m"
  std::string hall_symbol;
  /// For each site, the lowest-index site of its orbit (spglib's equivalent_atoms).
  std::vector<std::size_t> equivalent_atoms;
  std::vector<char> wyckoff_letters;  ///< per site, 'a'...
};

/// A class of symmetry-equivalent sites of one element: the absorbers to simulate once.
struct AbsorberClass {
  int z = 0;
  std::string element;                ///< element symbol
  std::vector<std::size_t> sites;     ///< 0-based, ascending (file order); sites.front() represents the class
  char wyckoff_letter = '?';
  std::size_t multiplicity() const { return sites.size(); }
  friend bool operator==(const AbsorberClass&, const AbsorberClass&) = default;
};

/// spglib's symmetry dataset of a periodic structure. Throws InputError for a cluster and when
/// spglib finds no symmetry at the tolerance (it then reports its own error text).
SymmetryInfo analyze_symmetry(const Structure& structure, const SymmetryOptions& options = {});

/// Classes of equivalent sites in order of their lowest site index. For a periodic structure they
/// come from analyze_symmetry(); a cluster has no space group and every atom is its own class.
std::vector<AbsorberClass> absorber_classes(const Structure& structure, const SymmetryOptions& options = {});

/// The same, from an already computed SymmetryInfo of that structure.
std::vector<AbsorberClass> absorber_classes(const Structure& structure, const SymmetryInfo& symmetry);

/// True for the 3d transition metals Sc..Zn (Z = 21..30).
constexpr bool is_3d_metal(int z) { return z >= 21 && z <= 30; }

}  // namespace xasforge::structure
