#pragma once
/// Harmonic force constants of a cluster and its dynamical matrix (docs/debye_waller.md).
///
/// Springs are bond stretches (i–j) and angle bends (i–j–k, apex j) as in Poiarkova & Rehr,
/// PRB 59, 948 (1999), Eq. (9): U = ½ Σ α_ij (Δr_ij)² + ½ Σ k_ijk (Δθ_ijk)². Their constants come
/// by default from the Universal Force Field (Rappé, Casewit, Colwell, Goddard & Skiff, JACS 114,
/// 10024 (1992)): the bond stretch of Eq. (6) and the angle-bend constant of Eq. (13), evaluated at
/// the structure's own bond lengths. Units: α in N/m, k_θ in (N/m)·Å² (= 10⁻²⁰ J rad⁻², the unit of
/// FEFF's spring.inp), positions in Å, masses in amu.
#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <Eigen/Sparse>

namespace xasforge::scattering {

/// One UFF atom type (Rappé et al. 1992, Table 1): valence radius r_I (Å), natural angle θ₀ (deg),
/// effective charge Z*_I (e) and GMP electronegativity χ_I (eV).
struct UffAtomType {
  int z = 0;
  const char* label = "";
  double radius_A = 0.0;
  double theta0_deg = 0.0;
  double zeff = 0.0;
  double chi_eV = 0.0;
};

/// The UFF type xasforge uses for element z (one per element, chosen for inorganic solids; table in
/// force_constants.cpp). Throws InputError for an element UFF does not cover.
const UffAtomType& uff_atom_type(int z);

/// UFF bond-stretch constant (N/m) of a single bond between elements zi and zj at length r_A:
/// k = 664.12 Z*_I Z*_J / r³ kcal mol⁻¹ Å⁻² (Rappé et al. Eq. 6, with r the actual bond length).
double uff_stretch_N_per_m(int zi, int zj, double r_A);

/// UFF angle-bend constant (N/m)·Å² for i–j–k with apex j and legs r_ij, r_jk (Å) (Rappé et al.
/// Eq. 13): K = 664.12 Z*_I Z*_K / r_IK⁵ [3 r_ij r_jk (1 − cos²θ₀) − r_IK² cos θ₀], r_IK² from the
/// law of cosines at θ₀ of the apex type. It is d²E/dθ² of the UFF bend at θ₀.
double uff_bend_Nm_A2(int zi, int zj_apex, int zk, double r_ij_A, double r_jk_A);

struct Stretch {
  int i = 0, j = 0;
  double k_N_per_m = 0.0;
};
struct Bend {
  int i = 0, j = 0, k = 0;  ///< j is the apex
  double k_Nm_A2 = 0.0;
};

/// Atoms and springs: the input of the dynamical matrix.
struct SpringNetwork {
  std::vector<Eigen::Vector3d> position_A;
  std::vector<double> mass_amu;
  std::vector<int> z;
  std::vector<Stretch> stretches;
  std::vector<Bend> bends;
};

struct ForceConstantOptions {
  /// i–j is a bond when r_ij ≤ bond_tolerance × the nearest-neighbour distance of i or of j (the
  /// larger: in Ni(OH)2 oxygen's nearest neighbour is H at 0.94 Å, yet Ni–O at 2.07 Å is Ni's
  /// bond). 1.2 keeps the second shell of bcc metals (ratio 1.155, without which bcc has no shear
  /// stiffness) and excludes the second shells of fcc (1.414) and rocksalt (1.414).
  double bond_tolerance = 1.2;
  /// Bends with θ above this are not used: at 180° Wilson's bend vector is singular (sin θ = 0).
  double max_bend_angle_deg = 170.0;
  /// Multiplies every stretch and bend constant (1 = UFF as published).
  double scale = 1.0;
};

/// Bonds and bends of a cluster with UFF constants. Throws InputError for an element without a
/// UFF type, a non-positive mass or two atoms closer than 0.1 Å.
SpringNetwork uff_spring_network(const std::vector<Eigen::Vector3d>& position_A, const std::vector<int>& z,
                                 const std::vector<double>& mass_amu, const ForceConstantOptions& options = {});

/// Force-constant matrix Φ (3N × 3N, N/m): Φ = Σ α b bᵀ + Σ k_θ s sᵀ with b the stretch vector and
/// s Wilson's bend vectors (Wilson, Decius & Cross, Molecular Vibrations (1955), §4-1).
Eigen::SparseMatrix<double> force_constant_matrix(const SpringNetwork& network);

/// Mass-weighted dynamical matrix D = M^{-1/2} Φ M^{-1/2} in (N/m)/amu.
Eigen::SparseMatrix<double> dynamical_matrix(const SpringNetwork& network);

}  // namespace xasforge::scattering
