// MD-EXAFS of Cu (Sutton–Chen MD) against the correlated Debye model at Θ_D = 315 K (docs/physics.md §4.1, §8.1).
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include <catch2/catch.hpp>

#include "core/ensemble/configuration_average.hpp"
#include "core/ensemble/md_engine.hpp"
#include "core/ensemble/rmc.hpp"
#include "core/ensemble/shell_statistics.hpp"
#include "core/ensemble/snapshot_chi.hpp"
#include "core/scattering/feff_files.hpp"
#include "tests/test_paths.hpp"

using namespace xasforge;
using namespace xasforge::ensemble;

namespace {

// Correlated Debye σ² of a single-scattering path between two atoms of mass m (amu) at distance
// r (Å): σ² = 2[C(0) − C(r)] with C from docs/physics.md §4.1 (Sevillano, Meuth & Rehr 1979).
// `classical` replaces coth(x) by 1/x: the high-temperature (classical) limit, which is what
// classical MD samples at any temperature. Composite Simpson with 4000 intervals (smooth
// integrand): relative error < 1e-10.
double correlated_debye_ss(double r_A, double mass_amu, double t_K, double theta_K, double rs_A, bool classical) {
  const double k_d = std::cbrt(4.5 * M_PI) / rs_A;
  auto c = [&](double r) {
    auto f = [&](double w) {
      const double x = k_d * r;
      const double s = r == 0 ? w : std::sin(w * x) / x;
      if (w == 0) return (r == 0 ? 1.0 : 1.0) * 2.0 * t_K / theta_K;  // lim s·coth = w·2T/(wΘ)
      const double y = w * theta_K / (2 * t_K);
      const double coth = classical ? 1.0 / y : 1.0 / std::tanh(y);
      return s * coth;
    };
    const int n = 4000;
    double sum = f(0) + f(1);
    for (int i = 1; i < n; ++i) sum += (i % 2 ? 4 : 2) * f(static_cast<double>(i) / n);
    return 3.0 * 48.50875 / (2.0 * theta_K * mass_amu) * sum / (3.0 * n);
  };
  return 2.0 * (c(0.0) - c(r_A));
}

structure::Structure cu_conventional() {
  return structure::Structure::periodic(structure::Lattice(3.61 * Eigen::Matrix3d::Identity()), {29, 29, 29, 29},
                                        {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}});
}

std::vector<MdSystem> cu_snapshots(double t_K, std::size_t n, std::uint64_t seed) {
  MdOptions o;
  o.temperature_K = t_K;
  o.thermostat = ThermostatKind::kLangevin;
  o.friction_per_fs = 0.01;
  o.timestep_fs = 2.0;
  o.seed = seed;
  MdEngine md(make_supercell(cu_conventional(), 4, 4, 4), make_potential("sutton_chen", {{"element", 29}}, {}), o);
  md.initialize_velocities(t_K);
  return md.sample(1500, n, 100);  // 3 ps equilibration, snapshots 200 fs apart
}

double first_shell_sigma2(const std::vector<MdSystem>& snaps) {
  const std::vector<std::pair<double, double>> shell1 = {{2.1, 3.1}};  // midway to the 2nd shell (3.61)
  double s = 0;
  for (const auto& m : snaps) s += shell_statistics(to_structure(m), 29, 29, shell1)[0].sigma2_A2;
  return s / static_cast<double>(snaps.size());
}

// r_s = FEFF's r_norm,av of the Cu reference run (docs/physics.md §4.1): 2.6313 bohr.
constexpr double kRsA = 2.6313 * 0.52917721067;

}  // namespace

TEST_CASE("correlated Debye helper reproduces docs/physics.md §4.1 numeric checks", "[ensemble][mdexafs]") {
  // 0.0090494 Å² at 300 K and 0.003163 Å² at 10 K (first shell, 2.5527 Å, 63.55 amu): FEFF prints
  // 5 decimals; the helper must agree to 2e-6 Å².
  CHECK_THAT(correlated_debye_ss(3.61 / std::sqrt(2.0), 63.55, 300, 315, kRsA, false), Catch::Matchers::WithinAbs(0.0090494, 2e-6));
  CHECK_THAT(correlated_debye_ss(3.61 / std::sqrt(2.0), 63.55, 10, 315, kRsA, false), Catch::Matchers::WithinAbs(0.003163, 2e-6));
}

TEST_CASE("MD-EXAFS of Cu: first-shell sigma2 at 300 K and 10 K vs correlated Debye (Theta_D = 315 K)",
          "[ensemble][mdexafs]") {
  const double r1 = 3.61 / std::sqrt(2.0);
  const double m_cu = 63.546;  // element table mass (MD uses it)
  // 300 K: stochastic (fixed seed). 20 snapshots × 256 atoms × 6 bonds: statistical error of σ²
  // ≈ 2 % (bonds within a snapshot are correlated; snapshots 200 fs ≈ 1.5 phonon periods apart).
  const auto s300 = cu_snapshots(300.0, 20, 300);
  const double md300 = first_shell_sigma2(s300);
  const double debye300 = correlated_debye_ss(r1, m_cu, 300, 315, kRsA, false);
  const double debye300_classical = correlated_debye_ss(r1, m_cu, 300, 315, kRsA, true);
  // 10 K: classical MD has no zero-point motion (docs/physics.md §8.1), so it is compared with the
  // classical (coth x → 1/x) limit of the same model; the quantum value is 10× larger.
  const auto s10 = cu_snapshots(10.0, 20, 10);
  const double md10 = first_shell_sigma2(s10);
  const double debye10 = correlated_debye_ss(r1, m_cu, 10, 315, kRsA, false);
  const double debye10_classical = correlated_debye_ss(r1, m_cu, 10, 315, kRsA, true);
  std::cout << "MD-EXAFS Cu first shell sigma2 (A^2): 300 K MD " << md300 << ", correlated Debye " << debye300
            << " (classical limit " << debye300_classical << "); 10 K MD " << md10 << ", Debye " << debye10
            << " (classical limit " << debye10_classical << ")\n";
  // Issue 7: within 10 % of the correlated Debye value at 300 K.
  CHECK_THAT(md300, Catch::Matchers::WithinRel(debye300, 0.10));
  // 10 K: classical MD follows the classical limit: σ² ∝ T, so σ²(10 K)/σ²(300 K) = 1/30 within
  // the 300 K and 10 K statistical errors (≈ 2 % each): 6 % ...
  CHECK_THAT(md10 / md300, Catch::Matchers::WithinRel(10.0 / 300.0, 0.06));
  // ... and within 20 % of the classical limit of the correlated Debye model: Sutton–Chen Cu is
  // 10–13 % softer than Θ_D = 315 K (the 300 K ratio MD/classical Debye was 0.00952/0.00863 with
  // the std:: random streams and 0.00979/0.00863 with core/numerics/random.hpp), plus the 10 K
  // statistical error (≈ 5 %). Measured: 1.18 with the present streams.
  CHECK_THAT(md10, Catch::Matchers::WithinRel(debye10_classical, 0.20));
  // ... and far below the zero-point-dominated quantum value (the documented bias of classical MD).
  CHECK(md10 < 0.2 * debye10);
}

TEST_CASE("MD-EXAFS chi(k) of Cu at 300 K is close to the correlated-Debye spectrum", "[ensemble][mdexafs][reference]") {
  // Convergence in the number of sampled pairs matters (docs/physics.md §8.1): a first-shell average
  // over N bonds carries noise ~1/√N of the undamped amplitude, comparable at k ≈ 11 Å⁻¹ to the
  // Debye–Waller-damped signal (e^{−2σ²k²} ≈ 0.1) unless N is in the thousands. So the average
  // runs over EVERY absorber of 20 snapshots (30 720 first-shell bonds) in single scattering, with
  // the tabulated curved-wave SS F_eff of the RMC forward model (equal to the SS path expansion,
  // test "RMC pair model equals ..."), against FEFF 8.5L with DEBYE 300 315 and NLEG 2.
  const auto dir = test::reference_dir() / "ensemble" / "cu256_snapshots";
  const auto phases = scattering::feff::read_phase_shifts(dir);
  std::ifstream in(dir / "chi_debye300_ss.dat");
  std::string line;
  std::vector<double> k, ref;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream is(line);
    double a, b;
    is >> a >> b;
    k.push_back(a);
    ref.push_back(b);
  }
  const auto snaps = cu_snapshots(300.0, 20, 302);
  RmcOptions o;
  o.max_step_A = 0.05;  // the engine defaults these tests were written with
  o.n_moves = 100000;
  o.chi_rmax_A = 4.8;  // shells 1–3 (≤ 4.42 Å), as FEFF's RPATH 5.0 (4th shell at 5.10 Å)
  RmcDataset d;
  d.r_max_A = 3.2;  // the engine default these tests were written with
  d.absorber_z = 29;
  d.phases = phases;
  d.k_invA = k;
  d.chi = ref;
  d.k_min_invA = 3;
  d.k_max_invA = 14;
  std::vector<double> avg;
  for (const auto& s : snaps) {
    const RmcModel m(to_structure(s), {d}, o);
    const auto c = m.model_chi(0);
    if (avg.empty()) avg.assign(c.size(), 0.0);
    for (std::size_t i = 0; i < c.size(); ++i) avg[i] += c[i] / static_cast<double>(snaps.size());
  }
  const RmcModel grid(to_structure(snaps[0]), {d}, o);
  const auto& kf = grid.fit_k(0);
  const auto& target = grid.target_chi(0);
  double num = 0, den = 0;
  for (std::size_t i = 0; i < kf.size(); ++i) {
    if (kf[i] < 3 || kf[i] > 14) continue;
    num += std::pow(kf[i] * kf[i] * (avg[i] - target[i]), 2);
    den += std::pow(kf[i] * kf[i] * target[i], 2);
  }
  std::cout << "MD-EXAFS chi (SS, 20 snapshots x 256 absorbers) vs FEFF DEBYE 300 315: R-factor (k 3-14, k^2) "
            << num / den << '\n';
  // Classical MD has ≈5 % more first-shell σ² than the Debye model here (0.0095 vs 0.0090 Å²) and
  // an anharmonic, asymmetric distance distribution (⟨r⟩ > R0, a third cumulant the Debye
  // model lacks): "close" is R ≤ 0.06. Measured: 0.054 with the present random streams (MD σ²
  // 0.0098 Å²); below 0.05 with the earlier std:: streams (0.0095 Å²), so 0.06 covers the sampling.
  CHECK(num / den <= 0.06);
}
