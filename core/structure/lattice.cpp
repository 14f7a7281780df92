#include "core/structure/lattice.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.hpp"
#include "core/units.hpp"

namespace xasforge::structure {

Lattice::Lattice(const Eigen::Matrix3d& rows_A) : rows_A_(rows_A) {
  if (!rows_A.allFinite()) throw InputError("lattice has a non-finite entry (NaN or inf)");
  const double det = rows_A.determinant();
  // Singular also when flat relative to its edges: V / (|a| |b| |c|) is sin-like (1 for a cube),
  // never below ~1e-2 in a real crystal; 1e-6 catches round-off volumes of degenerate cells
  // (e.g. alpha = beta = gamma = 120°) that would otherwise need ~1e6 periodic images.
  const double edges = rows_A.row(0).norm() * rows_A.row(1).norm() * rows_A.row(2).norm();
  if (std::abs(det) < 1e-8 || std::abs(det) < 1e-6 * edges) {
    std::ostringstream msg;
    msg << "lattice is singular (volume " << std::abs(det) << " Å³ for edges " << rows_A.row(0).norm() << ", "
        << rows_A.row(1).norm() << ", " << rows_A.row(2).norm() << " Å)";
    throw InputError(msg.str());
  }
  inverse_transpose_ = rows_A.transpose().inverse();
}

Lattice Lattice::from_parameters(double a, double b, double c, double alpha_deg, double beta_deg,
                                 double gamma_deg) {
  for (double v : {a, b, c, alpha_deg, beta_deg, gamma_deg})
    if (!std::isfinite(v)) throw InputError("lattice parameter is not finite");
  if (a <= 0 || b <= 0 || c <= 0) throw InputError("lattice lengths must be positive");
  const double deg = units::kPi / 180.0;
  const double ca = std::cos(alpha_deg * deg), cb = std::cos(beta_deg * deg),
               cg = std::cos(gamma_deg * deg), sa = std::sin(alpha_deg * deg),
               sb = std::sin(beta_deg * deg);
  // pymatgen Lattice.from_parameters (vesta=False): gamma* from the reciprocal cell.
  double val = (ca * cb - cg) / (sa * sb);
  val = std::clamp(val, -1.0, 1.0);
  const double gamma_star = std::acos(val);
  Eigen::Matrix3d m;
  m.row(0) << a * sb, 0.0, a * cb;
  m.row(1) << -b * sa * std::cos(gamma_star), b * sa * std::sin(gamma_star), b * ca;
  m.row(2) << 0.0, 0.0, c;
  return Lattice(m);
}

Eigen::Vector3d Lattice::lengths_A() const {
  return {rows_A_.row(0).norm(), rows_A_.row(1).norm(), rows_A_.row(2).norm()};
}

Eigen::Vector3d Lattice::angles_deg() const {
  const Eigen::Vector3d l = lengths_A();
  auto angle = [&](int i, int j) {
    const double c = rows_A_.row(i).dot(rows_A_.row(j)) / (l[i] * l[j]);
    return std::acos(std::clamp(c, -1.0, 1.0)) * 180.0 / units::kPi;
  };
  return {angle(1, 2), angle(0, 2), angle(0, 1)};
}

}  // namespace xasforge::structure
