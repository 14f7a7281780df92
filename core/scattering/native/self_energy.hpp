#pragma once
/// Hedin–Lundqvist plasmon-pole self-energy of the homogeneous electron gas (docs/
/// scattering_native.md §5): Σ(k) = Σ_x(k) + Σ_pl(k, ω = k²/2), GW with a free-electron G and a
/// single-plasmon-pole screened interaction (Hedin & Lundqvist, Solid State Phys. 23, 1 (1969),
/// §13–15; Hedin, Phys. Rev. 139, A796 (1965)), dispersion ω_q² = ω_p² + (k_F²/3) q² + (q²/2)²,
/// ω_p² = 3/r_s³ (Hartree units). Evaluated by a one-dimensional numerical q integral after the
/// analytic angular integral; a lazily filled table in (ln r_s, ln x), x = k/k_F, serves the
/// many radial points of the potentials. The table is an object owned by its user (no global state).
#include <atomic>
#include <complex>
#include <memory>
#include <mutex>
#include <vector>

namespace xasforge::scattering::native {

/// Σ(r_s, k) in Hartree (complex; Im ≤ 0 above the Fermi level), k in bohr⁻¹ (k ≥ k_F).
std::complex<double> sigma_hl(double rs, double k);

/// Δ(r_s, x) = Σ(r_s, x k_F) − Σ(r_s, k_F) (Ha), bilinear interpolation in a table over
/// r_s ∈ [0.01, 30] and x ∈ [1, 300]; values outside are clamped to the table's edge in r_s and
/// computed directly beyond x = 300. Thread-safe.
class HedinLundqvistTable {
 public:
  HedinLundqvistTable();
  std::complex<double> delta(double rs, double x);
  std::size_t nodes_computed() const;

 private:
  std::complex<double> node(std::size_t irs, std::size_t ix);
  static constexpr std::size_t kNrs = 72, kNx = 220;
  double lrs0_, dlrs_, dlx_;
  std::vector<std::complex<double>> values_;
  std::unique_ptr<std::atomic<unsigned char>[]> done_;  // 0 = not yet, 1 = values_ entry final
  mutable std::mutex mutex_;
};

/// Energy-dependent part Δ(E, r) of the self-energy in the local-density approximation used by
/// the potentials (docs/scattering_native.md §5.2): at density rho (bohr⁻³) and energy
/// e_above_fermi = Re E − μ (Ha), with the local momentum p² = k_F² + 2(E − μ) − 2 Re Δ iterated
/// twice from Δ = 0. exchange: 0 Hedin–Lundqvist, 1 Dirac–Hara (real), 2 none, 3 Dirac–Hara real
/// part with the Hedin–Lundqvist imaginary part (FEFF's EXCHANGE codes). Zero at or below μ.
std::complex<double> self_energy_shift(HedinLundqvistTable& table, double rho, double e_above_fermi, int exchange);

/// Dirac–Hara exchange Σ_x(k) of the electron gas of Wigner–Seitz radius rs (Ha; Hara, J. Phys.
/// Soc. Jpn. 22, 710 (1967)): −(k_F/π)[1 + (1 − x²)/(2x) ln|(1 + x)/(1 − x)|], x = k/k_F.
double sigma_dirac_hara(double rs, double k);

}  // namespace xasforge::scattering::native
