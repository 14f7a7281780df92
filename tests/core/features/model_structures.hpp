#pragma once
/// Small textbook crystals shared by the feature tests.
#include <vector>

#include <Eigen/Core>

#include "core/structure/lattice.hpp"
#include "core/structure/structure.hpp"

namespace xasforge::test {

/// Rock salt (NaCl type) with cubic lattice constant a (Å): cation z_a at the fcc sites, anion
/// z_b shifted by a/2 along x.
inline structure::Structure rocksalt(double a, int z_a = 11, int z_b = 17) {
  std::vector<int> z;
  std::vector<Eigen::Vector3d> f;
  const Eigen::Vector3d fcc[4] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  for (const auto& p : fcc) {
    z.push_back(z_a);
    f.push_back(p);
  }
  for (const auto& p : fcc) {
    z.push_back(z_b);
    f.push_back(p + Eigen::Vector3d(0.5, 0, 0));
  }
  return structure::Structure::periodic(structure::Lattice(Eigen::Matrix3d::Identity() * a), z, f);
}

}  // namespace xasforge::test
