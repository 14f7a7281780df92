#pragma once
/// Pre-edge subtraction and normalisation, as Larch 0.9.58's find_e0 / pre_edge
/// (docs/physics.md (E6.1)–(E6.4)).
#include <optional>
#include <vector>

namespace xasforge::xafs {

/// Larch's pre_edge arguments; unset values are chosen from the data as Larch does.
struct PreEdgeOptions {
  std::optional<double> e0_eV;
  std::optional<double> edge_step;
  std::optional<int> nnorm;
  std::optional<double> pre1_eV;   ///< relative to E0
  std::optional<double> pre2_eV;
  std::optional<double> norm1_eV;
  std::optional<double> norm2_eV;
  double nvict = 0.0;
  bool make_flat = true;
};

struct PreEdgeResult {
  double e0_eV = 0.0;          ///< a grid energy
  std::size_t ie0 = 0;         ///< its index
  double edge_step = 0.0;
  double pre1_eV = 0.0, pre2_eV = 0.0, norm1_eV = 0.0, norm2_eV = 0.0;  ///< ranges used, rel. to E0
  int nnorm = 0;
  std::vector<double> pre_edge;   ///< pre-edge line at every energy
  std::vector<double> post_edge;  ///< pre-edge line + normalisation polynomial
  std::vector<double> norm;       ///< (mu − pre_edge)/edge_step
  std::vector<double> flat;       ///< norm with the post-edge curvature removed above E0
};

/// E0 as the maximum of dmu/dE among points whose neighbours also have a large derivative.
/// Throws PhysicsError when no such point exists (no absorption edge in the data).
double find_e0(const std::vector<double>& energy_eV, const std::vector<double>& mu);

/// Throws InputError for mismatched lengths or fewer than 10 points; PhysicsError when no edge
/// is found or the edge step is zero.
PreEdgeResult pre_edge(const std::vector<double>& energy_eV, const std::vector<double>& mu,
                       const PreEdgeOptions& options = {});

}  // namespace xasforge::xafs
