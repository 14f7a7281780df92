#pragma once
/// Debye–Waller factors of every path from the cluster's own force constants (docs/debye_waller.md):
/// the projected vibrational density of states of the path coordinate, computed three ways on one
/// dynamical matrix per absorber:
///  * "equation-of-motion": Poiarkova & Rehr, PRB 59, 948 (1999) (FEFF's DEBYE idwopt 1);
///  * "recursion": Lanczos continued fraction, Poiarkova & Rehr, J. Synchrotron Rad. 8, 313 (2001)
///    (FEFF's idwopt 2 with two levels);
///  * "normal-modes": exact diagonalisation of the dynamical matrix (the limit both converge to).
/// Force constants: UFF (core/scattering/force_constants.hpp) unless a network is given.
/// HybridDebyeWallerModel ("hybrid") takes the recursion σ² for paths with a non-metal atom and the
/// correlated-Debye σ² for paths made only of metal atoms (elements::is_metal).
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>
#include <Eigen/Sparse>

#include "core/scattering/debye_waller.hpp"
#include "core/scattering/force_constants.hpp"

namespace xasforge::scattering {

enum class Sigma2Method { kNormalModes, kEquationOfMotion, kRecursion };

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

/// σ² by bonding type (docs/debye_waller.md, "The hybrid model"): a path whose atoms (absorber and
/// every scatterer) are all metals (elements::is_metal) gets the correlated-Debye σ² of
/// CorrelatedDebyeModel (Sevillano, Meuth & Rehr, PRB 20, 4908 (1979)); any other path the recursion
/// σ² of the cluster's UFF network (ForceConstantModel, Sigma2Method::kRecursion: Poiarkova & Rehr,
/// J. Synchrotron Rad. 8, 313 (2001), Eqs. 5–8). UFF was parameterised on molecules and
/// coordination compounds (Rappé et al., JACS 114, 10024 (1992)); metallic cohesion is not a sum of
/// two-centre springs, and UFF makes metal first shells 5–8× too stiff while oxide shells come
/// within 1.1–3× of fits of measured spectra.
/// The recursion part's network still contains the metal–metal springs of mixed clusters (it is
/// the same network as the "recursion" model's, so the two agree on every non-metallic path).
class HybridDebyeWallerModel final : public DebyeWallerModel {
 public:
  /// Throws InputError as CorrelatedDebyeModel (T ≥ 0, Θ_D > 0, rnorm_avg_A > 0) and as the
  /// recursion model (levels ≥ 1, scale > 0) do.
  explicit HybridDebyeWallerModel(const DebyeWallerSettings& settings);
  /// Builds the recursion model's network only when the cluster has a non-metal atom.
  void set_cluster(const std::vector<PathAtom>& atoms) override;
  double sigma2_A2(const ScatteringPath& path, int absorber_z) const override;
  std::string_view name() const override { return "hybrid"; }
  /// True when the absorber and every scatterer of the path are metals (needs ScatteringPath::z).
  static bool metallic_path(const ScatteringPath& path, int absorber_z);
  /// Paths evaluated by each part since construction (diagnostics and tests).
  std::size_t debye_paths() const { return debye_paths_; }
  std::size_t force_constant_paths() const { return fc_paths_; }

 private:
  CorrelatedDebyeModel debye_;
  ForceConstantModel recursion_;
  bool fc_ready_ = false;
  mutable std::size_t debye_paths_ = 0, fc_paths_ = 0;
};

}  // namespace xasforge::scattering
