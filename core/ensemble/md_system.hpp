#pragma once
/// The state of a periodic molecular-dynamics system: cell, species, masses, positions,
/// velocities and forces. Units: Å, amu, Å/fs, eV/Å.
#include <cstddef>
#include <vector>

#include <Eigen/Dense>

#include "core/structure/structure.hpp"

namespace xasforge::ensemble {

/// eV / (Å amu) expressed in Å/fs²: 1.602176634e-19 J / (1e-10 m · 1.66053906660e-27 kg)
/// = 9.6485332e17 m/s² = 9.6485332e-3 Å/fs² (CODATA 2018 e and u).
inline constexpr double kAccelerationAPerFs2PerEvPerAAmu = 9.64853321e-3;

struct MdSystem {
  Eigen::Matrix3d cell_A = Eigen::Matrix3d::Identity();  ///< rows a, b, c (Å)
  std::vector<int> z;
  std::vector<double> mass_amu;
  std::vector<Eigen::Vector3d> position_A;   ///< Cartesian; may leave the cell between rebuilds
  std::vector<Eigen::Vector3d> velocity_APerFs;
  std::vector<Eigen::Vector3d> force_eVPerA;
  std::size_t size() const { return z.size(); }

  Eigen::Matrix3d inverse_cell() const { return cell_A.inverse(); }
  /// Minimum-image displacement b - a (exact for cells whose perpendicular widths exceed twice
  /// the distance; used for small displacements such as from a reference site).
  Eigen::Vector3d minimum_image(const Eigen::Vector3d& d_A) const;
  /// Maps every position into the cell [0, 1)³ in fractional coordinates.
  void wrap_positions();
  double kinetic_energy_eV() const;
  /// Instantaneous kinetic temperature 2 KE / (n_dof k_B).
  double temperature_K(std::size_t n_dof) const;
  /// Removes the centre-of-mass velocity.
  void remove_momentum();
};

/// An na × nb × nc periodic supercell of a periodic structure (masses from the element table,
/// velocities and forces zero). Throws InputError for a cluster or a non-positive repeat.
MdSystem make_supercell(const structure::Structure& structure, int na, int nb, int nc);

/// The system as a periodic Structure (positions wrapped into the cell), e.g. for a snapshot.
structure::Structure to_structure(const MdSystem& system);

/// An MdSystem from a periodic Structure (a snapshot read from a trajectory).
MdSystem from_structure(const structure::Structure& structure);

}  // namespace xasforge::ensemble
