#pragma once
/// Clusters around an absorbing site: every atom within a radius, periodic images included.
#include <cstddef>
#include <vector>

#include <Eigen/Dense>

#include "core/structure/structure.hpp"

namespace xasforge::structure {

struct ClusterAtom {
  int z = 0;
  std::size_t site = 0;          ///< index of the site in the structure it came from
  Eigen::Vector3i image{0, 0, 0};///< lattice translation of that site (zero for clusters)
  Eigen::Vector3d position_A;    ///< position relative to the absorber (Å); absorber at origin
  double distance_A = 0.0;       ///< |position_A|
};

/// Every atom within radius_A of site `absorber` (inclusive, 1e-8 Å slack), the absorber first
/// at the origin. Periodic structures include all images; clusters use their atoms as they are.
///
/// Order (stable and documented): distance rounded to 1e-5 Å, then site index, then image
/// (lexicographic a, b, c). Throws InputError if absorber is out of range or radius_A <= 0.
std::vector<ClusterAtom> build_cluster(const Structure& structure, std::size_t absorber, double radius_A);

}  // namespace xasforge::structure
