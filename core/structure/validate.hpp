#pragma once
/// Checks a structure must pass before any physics uses it: a message names the structure's source
/// (file), the sites involved and the limit that was broken.
#include <cstddef>
#include <optional>

#include "core/structure/structure.hpp"

namespace xasforge::structure {

struct ValidationOptions {
  /// Closest allowed approach of two atoms (periodic images included). 0.5 Å is well below any
  /// chemical bond (H-H in H2 is 0.74 Å) and catches duplicated or overlapping sites.
  double min_distance_A = 0.5;
  /// Reject a left-handed cell (det < 0). Off by default: pymatgen and spglib accept such cells and
  /// every quantity xasforge computes (distances, symmetry) is independent of handedness; a writer
  /// for a program that insists (VASP) turns it on.
  bool require_right_handed = false;
};

/// Two sites and their shortest distance (over periodic images). i <= j; i == j means a site
/// and its own periodic image.
struct SitePair {
  std::size_t i = 0;
  std::size_t j = 0;
  double distance_A = 0.0;
};

/// The closest pair of sites closer than limit_A (periodic images included), or nullopt when no
/// pair is that close. O(N^2) pairs; clusters and cells of up to a few thousand atoms.
std::optional<SitePair> closest_pair_within(const Structure& structure, double limit_A);

/// Throws InputError ("<source>: ...") for an empty structure, a non-finite coordinate, a
/// left-handed cell when options.require_right_handed, and two atoms closer than
/// options.min_distance_A (naming both sites, their elements, the distance and the limit in Å).
void validate_structure(const Structure& structure, const ValidationOptions& options = {});

}  // namespace xasforge::structure
