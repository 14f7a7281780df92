#pragma once
/// Symmetry-equivalent sites (orbits) of a periodic structure without spglib's full data set.
///
/// spglib's data set (core/structure/symmetry.hpp) also standardises the cell and assigns
/// Wyckoff letters; for the high-symmetry cubic groups that search costs 40-50 ms per structure,
/// ten times the rest, while a campaign plan needs only which sites are equivalent. This finds
/// the space-group operations the same way spglib does before that step, and with the same
/// tolerances (Grosse-Kunstleve, Acta Cryst. A55, 383 (1999): pure translations -> primitive cell
/// -> Delaunay-reduced lattice -> lattice point group as the integer matrices W with entries
/// -1..1 whose metric W^T G W equals G within symprec on lengths and angle_tolerance on angles ->
/// for each W the translation t taking an atom of the rarest species to an atom of that species
/// such that every atom x goes to an atom of its species within symprec: W x + t), and joins the
/// sites each operation maps onto each other.
///
/// Where the operations it finds are not a consistent group (a structure at the edge of the
/// tolerance, where spglib itself retries with smaller tolerances) it gives up and the caller
/// falls back to spglib. On all 1,433 bundled structures it gives exactly spglib's classes (test).
#include <optional>
#include <vector>

#include "core/structure/structure.hpp"
#include "core/structure/symmetry.hpp"

namespace xasforge::structure {

/// Classes of equivalent sites, in the order and form of absorber_classes() (wyckoff_letter '?'),
/// or nullopt where the operations found are not a closed point group or the primitive cell is
/// ambiguous (then use absorber_classes()). Periodic structures only (InputError for a cluster).
std::optional<std::vector<AbsorberClass>> site_orbit_classes(const Structure& structure,
                                                             const SymmetryOptions& options = {});

}  // namespace xasforge::structure
