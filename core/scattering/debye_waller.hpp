#pragma once
/// Debye–Waller factors σ² of scattering paths (docs/physics.md §4): correlated Debye
/// (Sevillano, Meuth & Rehr, PRB 20, 4908 (1979); FEFF's `DEBYE T Θ_D 0`), correlated Einstein
/// (Larch `sigma2_eins`), a constant per path, none, or from the cluster's own force constants
/// (equation of motion, recursion, normal modes: force_constant_dw.hpp, docs/debye_waller.md), or
/// by bonding type (hybrid: recursion where a non-metal takes part, correlated Debye between metals). Models are built by name through
/// make_debye_waller_model(); the names are also the CLI's and YAML's values.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/scattering/path_finder.hpp"
#include "core/scattering/scattering_path.hpp"

namespace xasforge::scattering {

struct DebyeWallerSettings {
  double temperature_K = 300.0;
  double debye_temperature_K = 0.0;     ///< Θ_D (correlated-debye)
  double einstein_temperature_K = 0.0;  ///< Θ_E (correlated-einstein)
  double sigma2_A2 = 0.0;               ///< σ² of every path (constant)
  /// r_s of the Debye wavenumber k_D = (9π/2)^{1/3}/r_s: FEFF's average Norman radius
  /// r_norm,av (PhaseShifts::rnorm_avg_A). Required by correlated-debye.
  double rnorm_avg_A = 0.0;
  /// Force-constant models (equation-of-motion, recursion, normal-modes):
  int recursion_levels = 16;            ///< Lanczos levels of "recursion" (FEFF 8.5L uses 2)
  double force_constant_scale = 1.0;    ///< multiplies every UFF spring constant
  double force_constant_radius_A = 0.0; ///< atoms of the dynamical matrix: within this of the absorber (0 = all given)
};

/// σ² of a path. Masses: ScatteringPath::mass_amu when given, else the standard atomic weight
/// of ScatteringPath::z (core/elements). Implementations may cache and are not thread-safe.
class DebyeWallerModel {
 public:
  virtual ~DebyeWallerModel() = default;
  /// σ² (Å²) of a path whose absorber (at the origin) has atomic number absorber_z.
  virtual double sigma2_A2(const ScatteringPath& path, int absorber_z) const = 0;
  virtual std::string_view name() const = 0;
  /// The cluster the paths were found in (PathAtom order = ScatteringPath::atom_index). Models
  /// that need the whole cluster (force constants) build their state here; others ignore it.
  virtual void set_cluster(const std::vector<PathAtom>& /*atoms*/) {}
};

/// Correlated Debye model (Sevillano, Meuth & Rehr 1979; docs/physics.md (E4.1)–(E4.2)): σ² = ¼ Σ_ij (ê_i·ê_j)[C(r_i,r_j) + C(r_{i−1},r_{j−1})
/// − C(r_i,r_{j−1}) − C(r_{i−1},r_j)] with the Debye displacement correlation C integrated by
/// adaptive Gauss–Kronrod (7/15 points) to 1e-10 relative.
class CorrelatedDebyeModel final : public DebyeWallerModel {
 public:
  /// Throws InputError unless T ≥ 0, Θ_D > 0 and rnorm_avg_A > 0.
  explicit CorrelatedDebyeModel(const DebyeWallerSettings& settings);
  double sigma2_A2(const ScatteringPath& path, int absorber_z) const override;
  std::string_view name() const override { return "correlated-debye"; }
  /// C_ab(r) in Å² for masses m_a, m_b (amu) and separation r (Å).
  double correlation_A2(double r_A, double mass_a_amu, double mass_b_amu) const;

 private:
  double integral(double x) const;  // ∫_0^1 sin(w x)/x coth(w Θ/2T) dw, cached by x
  double t_K_, theta_K_, kd_invA_;
  mutable std::map<long long, double> cache_;
};

/// Correlated Einstein model (docs/physics.md (E4.3)): σ² = ħ²/(2 μ k_B Θ_E) coth(Θ_E/2T) with μ the
/// reduced mass of all atoms of the path (absorber once, then every scatterer), as Larch does.
class CorrelatedEinsteinModel final : public DebyeWallerModel {
 public:
  /// Throws InputError unless T ≥ 0 and Θ_E > 0.
  explicit CorrelatedEinsteinModel(const DebyeWallerSettings& settings);
  double sigma2_A2(const ScatteringPath& path, int absorber_z) const override;
  std::string_view name() const override { return "correlated-einstein"; }
  /// σ² for a given reduced mass (amu).
  double sigma2_for_reduced_mass(double mu_amu) const;

 private:
  double t_K_, theta_K_;
};

/// The same σ² for every path (FEFF's SIG2 card).
class ConstantSigma2Model final : public DebyeWallerModel {
 public:
  explicit ConstantSigma2Model(double sigma2_A2);  ///< throws InputError if negative
  double sigma2_A2(const ScatteringPath&, int) const override { return sigma2_; }
  std::string_view name() const override { return "constant"; }

 private:
  double sigma2_;
};

/// σ² = 0 (structural disorder present explicitly, e.g. MD snapshots).
class NoDebyeWallerModel final : public DebyeWallerModel {
 public:
  double sigma2_A2(const ScatteringPath&, int) const override { return 0.0; }
  std::string_view name() const override { return "none"; }
};

/// The valid model names, in the order the factory lists them.
std::vector<std::string> debye_waller_model_names();

/// Model by name: "correlated-debye", "correlated-einstein", "constant", "none",
/// "equation-of-motion", "recursion", "normal-modes", "hybrid" (the last four need set_cluster();
/// hybrid also needs Θ_D and rnorm_avg_A). Throws
/// InputError listing the valid names for an unknown name, or naming the missing setting.
std::unique_ptr<DebyeWallerModel> make_debye_waller_model(std::string_view name, const DebyeWallerSettings& settings);

/// Reduced mass μ = (Σ 1/m_i)⁻¹ of the absorber and every scatterer of a path (amu).
double path_reduced_mass_amu(const ScatteringPath& path, int absorber_z);

}  // namespace xasforge::scattering
