#include "core/structure/cluster.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>

#include "core/error.hpp"

namespace xasforge::structure {

std::vector<ClusterAtom> build_cluster(const Structure& s, std::size_t absorber, double radius_A) {
  if (absorber >= s.size())
    throw InputError("absorber site " + std::to_string(absorber) + " is out of range (structure '" +
                     s.name + "' has " + std::to_string(s.size()) + " sites)");
  if (!(radius_A > 0.0) || !std::isfinite(radius_A))
    throw InputError("cluster radius must be a positive number of Å, got " + std::to_string(radius_A));

  const Eigen::Vector3d centre = s.site(absorber).cartesian_A;
  const double r2max = (radius_A + 1e-8) * (radius_A + 1e-8);
  std::vector<ClusterAtom> atoms;

  if (!s.is_periodic()) {
    for (std::size_t j = 0; j < s.size(); ++j) {
      const Eigen::Vector3d d = s.site(j).cartesian_A - centre;
      if (d.squaredNorm() <= r2max) atoms.push_back({s.site(j).z, j, {0, 0, 0}, d, d.norm()});
    }
  } else {
    const Lattice& lat = s.lattice();
    // Number of images along each axis: the distance between lattice planes (hkl = axis i) is
    // 1/|b_i*| with b* the reciprocal rows; sites lie anywhere in [0,1) (or slightly outside),
    // so one extra image on each side covers them.
    const Eigen::Matrix3d recip = lat.matrix_A().inverse();  // columns are reciprocal vectors
    int n[3];
    for (int i = 0; i < 3; ++i) n[i] = static_cast<int>(std::ceil(radius_A * recip.col(i).norm())) + 1;
    for (std::size_t j = 0; j < s.size(); ++j) {
      const Eigen::Vector3d base = s.site(j).cartesian_A - centre;
      for (int a = -n[0]; a <= n[0]; ++a)
        for (int b = -n[1]; b <= n[1]; ++b)
          for (int c = -n[2]; c <= n[2]; ++c) {
            const Eigen::Vector3d d = base + lat.to_cartesian_A(Eigen::Vector3d(a, b, c));
            if (d.squaredNorm() <= r2max) atoms.push_back({s.site(j).z, j, {a, b, c}, d, d.norm()});
          }
    }
  }
  auto key = [absorber](const ClusterAtom& x) {
    const bool is_absorber = x.site == absorber && x.image.isZero();
    return std::make_tuple(!is_absorber, std::llround(x.distance_A * 1e5), x.site, x.image[0],
                           x.image[1], x.image[2]);
  };
  std::sort(atoms.begin(), atoms.end(), [&](const ClusterAtom& x, const ClusterAtom& y) { return key(x) < key(y); });
  return atoms;
}

}  // namespace xasforge::structure
