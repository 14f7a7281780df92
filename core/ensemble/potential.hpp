#pragma once
/// Interatomic potential interface for the MD engine. Concrete potentials are small evaluators
/// inlined into one loop (HOOMD's pattern); this base only dispatches once per
/// force evaluation.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/ensemble/md_system.hpp"
#include "core/ensemble/neighbor_list.hpp"

namespace xasforge::ensemble {

class Potential {
 public:
  virtual ~Potential() = default;
  /// Interaction range (Å); 0 for potentials that need no neighbour list (Einstein crystal).
  virtual double cutoff_A() const = 0;
  /// Writes system.force_eVPerA and returns the potential energy (eV). `pairs` is a half list
  /// (NeighborList::pairs) containing at least every pair within cutoff_A().
  virtual double compute(MdSystem& system, const std::vector<NeighborPair>& pairs) const = 0;
  virtual std::string name() const = 0;
};

/// Family factory (the one place listing the names). Parameters by name, units in the key:
///  lennard_jones: epsilon_eV, sigma_A, cutoff_A
///  morse:         d_eV, alpha_invA, r0_A, cutoff_A
///  sutton_chen:   element (Z as a number, tabulated Sutton–Chen parameters) or
///                 epsilon_eV, a_A, c, n, m; optional cutoff_A (default 2a), smooth (0/1, default 1)
///  einstein:      theta_K (Einstein temperature; sites = the positions of `reference`)
/// Throws InputError naming the potential and the missing or bad parameter.
std::unique_ptr<Potential> make_potential(std::string_view name, const std::map<std::string, double>& params,
                                          const MdSystem& reference);

}  // namespace xasforge::ensemble
