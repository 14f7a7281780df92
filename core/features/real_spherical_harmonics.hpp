#pragma once
/// Real spherical harmonics Y_lm(r̂), orthonormal on the unit sphere, in the convention of
/// docs/physics.md (E7.6) (DScribe): Y_{l,m>0} = √2 (−1)^m Re Y_l^m, Y_{l,−|m|} = √2 (−1)^m Im Y_l^{|m|},
/// Y_{l0} = Y_l^0, with Y_l^m the complex harmonics including the Condon–Shortley phase. In
/// Cartesian terms Y_{1,1} ∝ x, Y_{1,−1} ∝ y, Y_{1,0} ∝ z.
#include <vector>

#include <Eigen/Dense>

namespace xasforge::features {

/// Index of (l, m) in the flat array returned by real_spherical_harmonics(): l² + l + m.
constexpr int lm_index(int l, int m) { return l * l + l + m; }

/// All Y_lm(r̂) for l = 0..l_max at the direction of `direction` (need not be unit length; the
/// zero vector is taken as +z). Writes (l_max+1)² values into `out` (resized).
void real_spherical_harmonics(int l_max, const Eigen::Vector3d& direction, std::vector<double>& out);

}  // namespace xasforge::features
