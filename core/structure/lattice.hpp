#pragma once
/// A crystal lattice: three vectors a, b, c (Å) stored as the rows of a 3x3 matrix, the pymatgen
/// convention, so that cartesian = fractional^T * matrix.
#include <Eigen/Dense>

namespace xasforge::structure {

class Lattice {
 public:
  Lattice() = default;
  /// Rows are a, b, c in Å. Throws InputError if the matrix is singular (|det| < 1e-8 Å³, or
  /// below 1e-6 |a||b||c|: a flat cell) or has a non-finite entry. A left-handed cell (det < 0) is allowed here; see is_right_handed().
  explicit Lattice(const Eigen::Matrix3d& rows_A);
  /// From lengths (Å) and angles (degrees) in pymatgen's standard orientation (c along z... as
  /// Lattice.from_parameters: a in the xz-plane, c along z).
  static Lattice from_parameters(double a_A, double b_A, double c_A, double alpha_deg,
                                 double beta_deg, double gamma_deg);

  const Eigen::Matrix3d& matrix_A() const { return rows_A_; }
  Eigen::Vector3d vector_A(int i) const { return rows_A_.row(i).transpose(); }
  Eigen::Vector3d to_cartesian_A(const Eigen::Vector3d& fractional) const {
    return rows_A_.transpose() * fractional;
  }
  Eigen::Vector3d to_fractional(const Eigen::Vector3d& cartesian_A) const {
    return inverse_transpose_ * cartesian_A;
  }
  double volume_A3() const { return std::abs(rows_A_.determinant()); }
  bool is_right_handed() const { return rows_A_.determinant() > 0.0; }
  Eigen::Vector3d lengths_A() const;
  /// alpha (b,c), beta (a,c), gamma (a,b) in degrees.
  Eigen::Vector3d angles_deg() const;

  friend bool operator==(const Lattice& a, const Lattice& b) { return a.rows_A_ == b.rows_A_; }

 private:
  Eigen::Matrix3d rows_A_ = Eigen::Matrix3d::Identity();
  Eigen::Matrix3d inverse_transpose_ = Eigen::Matrix3d::Identity();
};

}  // namespace xasforge::structure
