#pragma once
/// Reverse Monte Carlo for EXAFS (docs/physics.md §8.2; McGreevy & Pusztai, Mol. Simul. 1, 359 (1988);
/// Gurman & McGreevy, J. Phys.: Condens. Matter 2, 9463 (1990)) and its evolutionary variant
/// (§8.3, EvAX: Timoshenko, Kuzmin & Purans, J. Phys.: Condens. Matter 26, 055401 (2014)).
///
/// Forward model: the configuration-averaged σ² = 0 χ(k) over every absorber of the periodic
/// supercell, in single scattering with the curved-wave F_eff of fixed phase shifts
/// (PairChiTable), plus an optional fixed background (e.g. the multiple-scattering part of the
/// full path expansion of the starting configuration, computed with SnapshotChiCalculator).
/// A move of one atom changes only the pairs it belongs to, so the update costs
/// O(neighbours × n_k): only the absorbers affected by the move are recomputed.
///
/// Misfit of data set e on its fit grid (uniform, 0.05 Å⁻¹):
///   k space: ξ_e = Σ_i (k_i^w Δχ_i)² / Σ_i (k_i^w χ_exp,i)²  (the R-factor), k_min ≤ k ≤ k_max;
///   R space: ξ_e = Σ_j |χ̃_Δ(R_j)|² / Σ_j |χ̃_exp(R_j)|² over [r_min, r_max], χ̃ the Fourier
///            transform of k^w χ with a Hanning window (dk = 1 Å⁻¹), Larch's xftf normalisation.
///   Cauchy-wavelet space: ξ_e = Σ |W_Δ(R, k)|² / Σ |W_exp(R, k)|² over R in [r_min, r_max] and k in
///            [k_min, k_max] (sampled every 0.15 Å⁻¹ and every 3rd R point of the transform), W the
///            Cauchy wavelet transform of k^w χ (xafs::cauchy_wavelet, Larch's, rmax_out = 10 Å) of
///            the data in [k_min, k_max]. The transform is linear and a convolution in k, so its
///            matrix is built from ONE transform of an impulse (misfit cost: a matrix product).
/// Total ξ = Σ_e w_e ξ_e. Metropolis (§8.2 step 4): accept if ξ decreases, else with probability
/// exp(−Δξ/T); T ("temperature", in misfit units) plays the role of 2s²/Σ(k^wχ)² of §8.2 and may
/// be annealed linearly to final_temperature.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/ensemble/member_settings.hpp"
#include "core/ensemble/md_system.hpp"
#include "core/ensemble/pair_chi_table.hpp"
#include "core/ensemble/shell_statistics.hpp"
#include "core/scattering/phase_shifts.hpp"
#include "core/structure/structure.hpp"

namespace xasforge::ensemble {

enum class ResidualSpace { kK, kR, kWavelet };

/// "k" | "r" | "wavelet"; InputError listing the names otherwise.
ResidualSpace parse_residual_space(const std::string& name);

/// One measured (or simulated) spectrum: one absorption edge of one element.
struct RmcDataset {
  int absorber_z = 0;
  scattering::PhaseShifts phases;   ///< for this edge, computed once for the average structure
  std::vector<double> k_invA, chi;  ///< target χ(k) on any increasing grid
  double k_min_invA = 3.0, k_max_invA = 12.0;
  int k_weight = 2;
  ResidualSpace space = ResidualSpace::kK;
  double r_min_A = defaults::kRmcRMin_A, r_max_A = defaults::kRmcRMax_A;  ///< R-space window (also the R range in wavelet space)
  double weight = 1.0;
  double s02 = 1.0;
  double e0_shift_eV = 0.0;
  /// Fixed additive background χ_bg(k) (σ² = 0, before S0²; empty = none), e.g. the multiple
  /// scattering part; on its own grid background_k_invA (theory k, evaluated at the E0-shifted q).
  std::vector<double> background_k_invA, background;
};

struct RmcOptions {
  double chi_rmax_A = 5.5;       ///< pairs up to this distance enter χ (< half the cell width)
  double max_step_A = defaults::kRmcMaxStep_A;  ///< moves are uniform in a ball of this radius
  double min_distance_A = 2.0;   ///< closest approach; moves violating it are rejected
  std::size_t n_moves = static_cast<std::size_t>(defaults::kRmcMoves);
  double temperature = defaults::kRmcTemperature;  ///< Metropolis temperature in misfit units
  double final_temperature = -1; ///< < 0: constant temperature
  std::size_t history_every = 1000;
  /// Every this many moves, S0² of every data set is re-fitted by linear least squares in its
  /// misfit metric for the current configuration (0 = keep the given S0²).
  std::size_t refit_s02_every = 0;
  /// Every this many moves, ΔE0 of every data set is re-fitted (golden-section search of the
  /// misfit over ΔE0 ± e0_window_eV around the current value, to 0.02 eV) for the current
  /// configuration (0 = keep the given ΔE0). The E0 shift matters much for a k-space fit.
  std::size_t refit_e0_every = 0;
  double e0_window_eV = 1.5;
  /// Together with the ΔE0 refit (same schedule, when > 0): the cell and all positions are scaled
  /// isotropically by the factor (within ± this fraction of the current cell, golden section)
  /// that minimises the misfit — Larch's isotropic expansion α (ΔR = α R). A fixed cell pins the
  /// mean distances, so phase-shift errors of the theory (ΔR ≈ −0.01 Å in Cu) would otherwise be
  /// absorbed by E0 and σ². 0 = the cell stays as given.
  double cell_scale_window = 0.0;
  /// Every this many moves (0 = never), the fixed multiple-scattering background of every data
  /// set is recomputed from the current configuration (multiple_scattering_background over
  /// ms_background_absorbers absorbers spread over the cell, path expansion to
  /// ms_background_rmax_A with ms_background_max_legs), so it follows the fitted disorder
  /// instead of staying that of the start configuration.
  /// Hybrid RMC (HRMC; Opletal, Petersen, McCulloch, Snook & Yarovsky, Mol. Simul. 28, 927
  /// (2002)): when > 0, the Sutton–Chen energy (published parameters of the one element of the
  /// cell, sharp cut-off at min(2a, half the cell width)) enters the acceptance as a Boltzmann
  /// factor at this temperature: accept with min(1, exp(−Δξ/T − ΔE/(k_B T_phys))). Plain RMC
  /// samples the most disordered configurations compatible with the data (σ² grows with every
  /// small misfit gain); the energy term keeps them physical. 0 = plain RMC.
  double energy_temperature_K = 0.0;
  std::size_t ms_background_every = 0;
  std::size_t ms_background_absorbers = 8;
  double ms_background_rmax_A = 5.4;
  int ms_background_max_legs = 3;
  std::uint64_t seed = 1;
  int chain = 0;                 ///< independent chains (e.g. one per rank) use different numbers
};

/// The model state: configuration, per-data-set χ sums, misfit. Exposed for EvAX and tests.
class RmcModel {
 public:
  /// Validates (InputError naming the field): periodic structure, chi_rmax below half the
  /// smallest cell width, absorbers present, fit range inside the target data.
  RmcModel(const structure::Structure& start, std::vector<RmcDataset> datasets, const RmcOptions& options);

  double misfit() const { return misfit_; }
  /// k-space R-factor of data set e over [k_min, k_max] (k^w weighted).
  double r_factor(std::size_t e) const;
  /// Model χ of data set e on its fit grid, and that grid.
  std::vector<double> model_chi(std::size_t e) const;
  const std::vector<double>& fit_k(std::size_t e) const { return sets_[e].k; }
  const std::vector<double>& target_chi(std::size_t e) const { return sets_[e].target; }
  std::size_t n_datasets() const { return sets_.size(); }

  /// Proposes moving atom m to x (Cartesian Å): returns false (state unchanged) if it violates
  /// the minimum distance; otherwise stores the trial and returns true; trial_misfit() is its ξ.
  bool propose(std::size_t m, const Eigen::Vector3d& x);
  double trial_misfit() const { return trial_misfit_; }
  /// Sutton–Chen energy change of the stored trial (eV; 0 without energy_temperature_K).
  double trial_energy_change() const { return trial_de_; }
  /// Sutton–Chen energy of the configuration (eV; 0 without energy_temperature_K).
  double energy() const;
  void accept();
  /// Sets S0² of data set e to its least-squares value for the current configuration (in the
  /// data set's misfit metric) and returns it.
  double refit_s02(std::size_t e);
  double s02(std::size_t e) const { return sets_.at(e).data.s02; }
  double e0_shift(std::size_t e) const { return sets_.at(e).data.e0_shift_eV; }
  /// Sets ΔE0 of data set e (tables re-evaluated at the new q, background re-interpolated, sums
  /// recomputed).
  void set_e0_shift(std::size_t e, double e0_shift_eV);
  /// Golden-section search of the misfit over ΔE0 in [current − half_width, current + half_width]
  /// (to tol_eV); sets and returns the best ΔE0.
  double refit_e0(std::size_t e, double half_width_eV, double tol_eV = 0.02);
  /// Scales the cell and every position by `factor` (isotropic; fractional coordinates kept).
  void scale_cell(double factor);
  /// Golden-section search of the misfit over the scale factor in [1 − w, 1 + w] of the current
  /// cell (to tol); applies and returns the best factor.
  double refit_cell_scale(double half_width, double tol = 2e-4);
  /// Replaces the fixed background of data set e (σ² = 0, before S0², on its own k grid).
  void set_background(std::size_t e, std::vector<double> k_invA, std::vector<double> background);
  const RmcDataset& dataset(std::size_t e) const { return sets_.at(e).data; }
  /// Misfit ξ_e of data set e in its own space (the R-factor in that space).
  double set_misfit(std::size_t e) const { return set_misfit(sets_.at(e), sets_.at(e).sum); }
  /// Recomputes every sum from scratch (after crossover, or to remove round-off drift).
  void recompute();
  const MdSystem& system() const { return sys_; }
  MdSystem& system() { return sys_; }
  structure::Structure structure() const { return to_structure(sys_); }
  const RmcOptions& options() const { return options_; }

 private:
  struct Set {
    RmcDataset data;
    std::vector<double> k, target, kw, window, bg;  // fit grid quantities (bg at q)
    std::vector<std::shared_ptr<const PairChiTable>> table_by_z;  // index = scatterer Z (null if absent); shared by copies
    std::vector<double> sum, trial_sum, delta;
    double n_absorbers = 0;
    double norm = 1;  // denominator of ξ
    // R and wavelet space: row j of the linear map χ → transform, M[j][i] (real and imaginary parts)
    std::vector<double> m_re, m_im;
    std::size_t n_r = 0;
  };
  double set_misfit(const Set& s, const std::vector<double>& sum) const;
  static void interpolate_background(Set& s);
  void update_misfit();
  void pair_terms(std::size_t m, const Eigen::Vector3d& xm, double sign, std::vector<Set>& sets, bool into_delta) const;
  MdSystem sys_;
  Eigen::Matrix3d inv_t_;
  RmcOptions options_;
  std::vector<Set> sets_;
  void init_energy();
  double misfit_ = 0, trial_misfit_ = 0;
  // Sutton–Chen state (HRMC): parameters, cut-off², density ρ_i of every atom, trial changes
  bool sc_on_ = false;
  double sc_eps_ = 0, sc_a_ = 1, sc_c_ = 0, sc_rc2_ = 0;
  int sc_n_ = 12, sc_m_ = 6;
  std::vector<double> sc_rho_, sc_drho_;
  double trial_rho_m_ = 0, trial_de_ = 0;
  std::size_t trial_atom_ = 0;
  Eigen::Vector3d trial_x_;
};

struct RmcResult {
  structure::Structure final_configuration;
  std::vector<double> misfit_history;      ///< every history_every moves (first entry: start)
  std::vector<double> r_factor_history;    ///< k-space R-factor of data set 0, same points
  double acceptance = 0;                   ///< accepted / attempted (after constraint)
  std::vector<std::vector<double>> fit_k, model_chi, target_chi;  ///< per data set
  std::vector<double> r_factor;            ///< final k-space R-factor, per data set
  std::vector<double> misfit_per_set;      ///< final ξ_e in each set's own space (R-space R-factor for R)
  std::vector<double> s02;                 ///< final S0², per data set
  std::vector<double> e0_shift_eV;         ///< final ΔE0, per data set
  std::vector<double> e0_history;          ///< ΔE0 of data set 0 after each E0 refit
  double cell_scale = 1.0;                 ///< final cell / start cell (cell_scale_window)
};

/// Runs one RMC chain (random stream "rmc.chain.<chain>" of options.seed).
RmcResult run_rmc(const structure::Structure& start, const std::vector<RmcDataset>& datasets, const RmcOptions& options);

/// Best (S0², ΔE0) of data set e for a fixed configuration: ΔE0 on a grid from e0_lo to e0_hi
/// (step e0_step), S0² by linear least squares in the misfit metric at each ΔE0. Sets them in
/// `datasets[e]` and returns the misfit.
double fit_s02_e0(const structure::Structure& configuration, std::vector<RmcDataset>& datasets, std::size_t e,
                  const RmcOptions& options, double e0_lo_eV = -10, double e0_hi_eV = 10, double e0_step_eV = 0.5);

struct EvaxOptions {
  std::size_t population = 8;
  std::size_t generations = 20;
  std::size_t moves_per_generation = 2000;  ///< mutation moves per configuration and generation
  double initial_step_A = 0.08;             ///< max step, decreasing linearly to final_step_A
  double final_step_A = 0.02;
};

struct EvaxResult {
  std::vector<structure::Structure> population;  ///< final, best first
  std::vector<double> misfit;                    ///< of each
  std::vector<double> best_misfit_history;       ///< per generation
  std::vector<double> r_factor;                  ///< per data set, of the best
};

/// EvAX-like evolutionary fit (Timoshenko, Kuzmin & Purans 2014; docs/physics.md (E8.4)): mutation (RMC moves at zero temperature, step
/// shrinking with progress), crossover (offspring take one parent's displacements on one side of
/// a random plane through the cell and the other parent's on the other side), selection of the
/// population size best by misfit. options.n_moves and temperature are not used.
EvaxResult run_evax(const structure::Structure& start, const std::vector<RmcDataset>& datasets,
                    const RmcOptions& options, const EvaxOptions& evax);

}  // namespace xasforge::ensemble

namespace xasforge::ensemble {

/// Multiple-scattering part of the configuration average of `configuration` on
/// feff_output_k_grid(): mean over `absorbers` of χ_full − χ_SS from SnapshotChiCalculator
/// (options.max_legs for the full, 2 for SS; σ² = 0, S0² = 1), for RmcDataset::background.
struct SnapshotChiOptions;
/// The path-expansion settings run_rmc uses for the background (ms_background_* of options).
SnapshotChiOptions ms_background_options(const RmcOptions& options);
std::vector<double> multiple_scattering_background(const structure::Structure& configuration,
                                                   const std::vector<std::size_t>& absorbers,
                                                   const scattering::PhaseShifts& phases,
                                                   const SnapshotChiOptions& options);

}  // namespace xasforge::ensemble
