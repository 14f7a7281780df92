#pragma once
/// Debye–Waller factors of every path from the cluster's own force constants (docs/debye_waller.md):
/// the projected vibrational density of states of the path coordinate, computed three ways on one
/// dynamical matrix per absorber:
///  * "equation-of-motion": Poiarkova & Rehr, PRB 59, 948 (1999) (FEFF's DEBYE idwopt 1);
///  * "recursion": Lanczos continued fraction, Poiarkova & Rehr, J. Synchrotron Rad. 8, 313 (2001)
///    (FEFF's idwopt 2 with two levels);
///  * "normal-modes": exact diagonalisation of the dynamical matrix (the limit both converge to).
/// Force constants: UFF (core/scattering/force_constants.hpp) unless a network is given.
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>
#include <Eigen/Sparse>

#include "core/scattering/debye_waller.hpp"
#include "core/scattering/force_constants.hpp"

namespace xasforge::scattering {

enum class Sigma2Method { NormalModes, EquationOfMotion, Recursion };

/// What the last cluster's paths revealed about the spring network.
struct ForceConstantDiagnostics {
  std::size_t atoms = 0, stretches = 0, bends = 0;
  std::size_t paths = 0;
  /// Paths whose coordinate has weight on (near-)zero modes other than rigid motions: the network
  /// is under-constrained there and the σ² of these paths misses that weight.
  std::size_t floppy_paths = 0;
  /// Equation of motion: largest |∫ρ dω − 1| over the paths (the sum rule of the projected density).
  double max_sum_rule_error = 0.0;
};

class ForceConstantModel final : public DebyeWallerModel {
 public:
  /// Throws InputError unless T ≥ 0, recursion_levels ≥ 1 and force_constant_scale > 0.
  ForceConstantModel(Sigma2Method method, const DebyeWallerSettings& settings);
  /// Builds the UFF network of the atoms (within force_constant_radius_A of the absorber when > 0)
  /// and its dynamical matrix; every later path must use these atoms (ScatteringPath::atom_index).
  void set_cluster(const std::vector<PathAtom>& atoms) override;
  /// The same with a given network (e.g. the springs of a FEFF spring.inp); absorber_index is the
  /// network's atom at the path's origin. Paths are matched to atoms by position (0.01 Å).
  void set_network(SpringNetwork network, std::size_t absorber_index);
  double sigma2_A2(const ScatteringPath& path, int absorber_z) const override;
  std::string_view name() const override;

  /// σ² (Å²) of the closed path absorber → atoms[0] → … → absorber, atoms given as network indices
  /// (the absorber may reappear inside). Also returns the path reduced mass μ_Γ = 1/|M^{-1/2}c|² (amu).
  double sigma2_of_sequence(const std::vector<int>& sequence, double* reduced_mass_amu = nullptr) const;
  const ForceConstantDiagnostics& diagnostics() const { return diag_; }
  const SpringNetwork& network() const { return net_; }

 private:
  Eigen::VectorXd path_vector(const std::vector<int>& sequence) const;  // c̃ = M^{-1/2} c
  double normal_modes(const Eigen::VectorXd& q) const;
  double recursion(const Eigen::VectorXd& q) const;
  double equation_of_motion(const Eigen::VectorXd& q) const;
  double mode_term(double lambda) const;  // ħ/(2ω amu) coth(ħω/2k_BT) in Å² for ω² = λ (N/m)/amu

  Sigma2Method method_;
  DebyeWallerSettings settings_;
  SpringNetwork net_;
  Eigen::SparseMatrix<double, Eigen::RowMajor> d_;
  double lambda_top_ = 0.0;             // Gershgorin bound of D's spectrum
  std::vector<int> local_of_input_;     // input atom index -> network index (-1 = not in network)
  std::size_t absorber_ = 0;
  bool ready_ = false;
  mutable bool eigen_ready_ = false;
  mutable Eigen::VectorXd eval_;
  mutable Eigen::MatrixXd evec_;
  mutable ForceConstantDiagnostics diag_;
};

}  // namespace xasforge::scattering
