#pragma once
/// Seeded augmentation of simulated chi(k) so that training spectra carry what every measured
/// spectrum has and a simulation lacks (docs/ml.md, "Training data that looks like measurements"):
/// an amplitude factor S0², a misaligned edge energy ΔE0, extra (or less) Debye–Waller damping
/// Δσ², noise that grows with k, and a shorter usable k range. Each augmented copy is drawn from
/// RandomStream(seed, stream) with the stream fixed by the item and the copy number, so the
/// training set is the same for any rank count and any order of work.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace xasforge::ml {

struct AugmentationOptions {
  std::size_t copies = 0;                       ///< augmented copies per simulated spectrum (0: off)
  double s02_min = 0.70, s02_max = 1.00;        ///< S0², uniform
  double e0_shift_eV = 5.0;                     ///< ΔE0 uniform in [−e0_shift, +e0_shift] eV
  /// Δσ² (Å²), uniform: χ·exp(−2Δσ²k²). The low end keeps the total σ² of every path of a 300 K
  /// "hybrid" campaign positive (its stiffest metal–O paths have σ² ≈ 0.0015 Å², zero-point
  /// motion); docs/ml.md gives the reasons for both ends.
  double sigma2_min_A2 = -0.001, sigma2_max_A2 = 0.005;
  double noise_min = 3.0e-4, noise_max = 3.0e-3;  ///< rms noise of χ at k = 10 Å⁻¹, log-uniform
  double noise_k_power = 1.0;                   ///< noise rms ∝ (k/10 Å⁻¹)^power
  double kmax_min_invA = 10.0, kmax_max_invA = 14.0;  ///< last k of the data, uniform
  std::uint64_t seed = 1;

  bool enabled() const { return copies > 0; }
  /// Throws InputError naming the option when a range is empty or out of physical bounds.
  void validate() const;
  /// One line for logs and the model file, e.g. "copies=4 s02=[0.7,1] ...".
  std::string describe() const;
};

/// The parameters of one augmented copy.
struct AugmentationDraw {
  double s02 = 1.0, e0_shift_eV = 0.0, sigma2_A2 = 0.0, noise = 0.0, kmax_invA = 1e9;
};

/// The draw for (item key, copy): RandomStream(options.seed, stream(item key, copy)).
AugmentationDraw draw_augmentation(const AugmentationOptions& options, std::uint64_t item_key, std::size_t copy);

/// Applies a draw to chi on grid k (Å⁻¹, increasing; NaN entries beyond the simulated range stay
/// NaN). ΔE0: chi_new(k) = chi(k') with k'² = k² + ΔE0/ħ²/2m (0.2625 eV⁻¹ Å⁻² · ΔE0), linear
/// interpolation, zero where k'² < 0; then S0² and exp(−2Δσ²k²); noise; zero beyond kmax. Noise
/// draws come from the same stream as the draw, continuing after it.
std::vector<double> augment_chi(const std::vector<double>& k_invA, const std::vector<double>& chi,
                                const AugmentationDraw& draw, const AugmentationOptions& options, std::uint64_t item_key,
                                std::size_t copy);

}  // namespace xasforge::ml
