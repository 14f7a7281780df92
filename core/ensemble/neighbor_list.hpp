#pragma once
/// Verlet neighbour list with a skin, built from a cell list; works for any triclinic cell and
/// for cut-offs longer than half the cell (periodic images are enumerated explicitly).
#include <cstddef>
#include <vector>

#include <Eigen/Dense>

#include "core/ensemble/md_system.hpp"

namespace xasforge::ensemble {

/// One pair (i, j) with the lattice translation of j: r_ij = x_j + shift_A - x_i.
struct NeighborPair {
  std::size_t i = 0;
  std::size_t j = 0;
  Eigen::Vector3d shift_A = Eigen::Vector3d::Zero();
};

class NeighborList {
 public:
  /// cutoff_A: interaction range; skin_A: extra margin so the list stays valid until some atom
  /// has moved more than skin/2. Throws InputError if cutoff <= 0 or skin < 0.
  NeighborList(double cutoff_A, double skin_A);

  /// Rebuilds if any atom moved more than skin/2 since the last build (or never built).
  /// Returns true if it rebuilt.
  bool update(const MdSystem& system);
  /// Half list: each pair once (i < j, or i == j with a non-zero image shift).
  const std::vector<NeighborPair>& pairs() const { return pairs_; }
  double cutoff_A() const { return cutoff_A_; }
  std::size_t n_builds() const { return n_builds_; }
  void build(const MdSystem& system);

 private:
  double cutoff_A_;
  double skin_A_;
  std::vector<NeighborPair> pairs_;
  std::vector<Eigen::Vector3d> reference_A_;
  Eigen::Matrix3d cell_at_build_A_ = Eigen::Matrix3d::Zero();
  std::size_t n_builds_ = 0;
};

/// Every pair (i, j, image) within cutoff_A of a static configuration (half list), e.g. for
/// structural analysis of a snapshot. Positions are used as given.
std::vector<NeighborPair> find_pairs(const MdSystem& system, double cutoff_A);

}  // namespace xasforge::ensemble
