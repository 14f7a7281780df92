#pragma once
/// The average structure of a set of snapshots: per atom the mean position (unwrapped by the
/// minimum image relative to the first snapshot) and the mean cell. Phase shifts for the
/// configuration average are computed once for it (docs/physics.md §8.1).
#include <vector>

#include "core/structure/structure.hpp"

namespace xasforge::ensemble {

/// Throws InputError if the snapshots differ in atom count, species or periodicity.
structure::Structure average_structure(const std::vector<structure::Structure>& snapshots);

}  // namespace xasforge::ensemble
