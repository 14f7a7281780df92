#include "core/ensemble/average_structure.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"

namespace xasforge::ensemble {

structure::Structure average_structure(const std::vector<structure::Structure>& snapshots) {
  if (snapshots.empty()) throw InputError("average structure: no snapshots");
  const auto& first = snapshots.front();
  const std::size_t n = first.size();
  for (const auto& s : snapshots) {
    if (s.size() != n || s.is_periodic() != first.is_periodic())
      throw InputError(s.source + ": snapshot '" + s.name + "' has " + std::to_string(s.size()) +
                       " atoms (or a different periodicity) but the first has " + std::to_string(n));
    for (std::size_t i = 0; i < n; ++i)
      if (s.site(i).z != first.site(i).z)
        throw InputError(s.source + ": snapshot '" + s.name + "' site " + std::to_string(i) +
                         " changes element between snapshots");
  }
  const double w = 1.0 / static_cast<double>(snapshots.size());
  if (!first.is_periodic()) {
    std::vector<Eigen::Vector3d> mean(n, Eigen::Vector3d::Zero());
    std::vector<int> z;
    for (std::size_t i = 0; i < n; ++i) z.push_back(first.site(i).z);
    for (const auto& s : snapshots)
      for (std::size_t i = 0; i < n; ++i) mean[i] += w * s.site(i).cartesian_A;
    return structure::Structure::cluster(z, mean);
  }
  Eigen::Matrix3d cell = Eigen::Matrix3d::Zero();
  std::vector<Eigen::Vector3d> frac(n, Eigen::Vector3d::Zero());
  std::vector<int> z;
  for (std::size_t i = 0; i < n; ++i) z.push_back(first.site(i).z);
  for (const auto& s : snapshots) {
    cell += w * s.lattice().matrix_A();
    for (std::size_t i = 0; i < n; ++i) {
      Eigen::Vector3d d = s.site(i).fractional - first.site(i).fractional;
      for (int k = 0; k < 3; ++k) d[k] -= std::round(d[k]);
      frac[i] += w * (first.site(i).fractional + d);
    }
  }
  return structure::Structure::periodic(structure::Lattice(cell), z, frac);
}

}  // namespace xasforge::ensemble
