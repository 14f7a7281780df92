// Rehr–Albers F_eff: analytic and identity checks (docs/physics.md §3.2, §3.3, §3.9, §3.11).
#include <cmath>
#include <complex>
#include <vector>

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/scattering/rehr_albers.hpp"
#include "core/units.hpp"

using namespace xasforge::scattering;
using cplx = std::complex<double>;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

constexpr double kBohr = xasforge::units::kAngstromPerBohr;

// §3.11 worked example: Cu–Cu SS path 1 of the reference run at EXAFS grid point 49 (k = 10 Å⁻¹).
PhaseShifts worked_example_phases() {
  PhaseShifts ph;
  ph.edge = Edge::kK;
  ph.l0 = 1;
  // Two grid points so the calculator's grid checks pass; only the second is examined.
  ph.k_invA = {9.0, 5.291773 / kBohr};
  const cplx p_bohr(5.329248, 0.03168038);
  ph.p_invA = {p_bohr / kBohr * 0.9, p_bohr / kBohr};
  PotentialPhases abs;
  abs.ipot = 0;
  abs.z = 29;
  abs.lmax = 1;
  abs.delta = {{cplx(0.1, 0.01), cplx(4.8, 0.02)}, {cplx(0.0, 0.0), cplx(4.816585, 0.02546442)}};
  PotentialPhases cu;
  cu.ipot = 1;
  cu.z = 29;
  cu.lmax = 17;
  const std::vector<cplx> d = {
      {0.1787385, 0.02698544},      {4.652785, 0.03052885},       {2.811429, 0.03888451},
      {1.436328, 0.06578579},       {0.7290781, 0.07133950},      {0.4017960, 0.05586346},
      {0.2358617, 0.03853835},      {0.1410322, 0.02485763},      {0.08435557, 0.01467046},
      {0.05036531, 0.007194583},    {0.02851811, 0.002633770},    {0.01425062, 6.206174e-4},
      {0.006026089, 3.852023e-5},   {0.002133250, -4.022891e-5},  {6.350135e-4, -2.211885e-5},
      {1.604986e-4, -7.075162e-6},  {3.481941e-5, -1.688603e-6},  {6.552762e-6, -3.235939e-7}};
  cu.delta = {d, d};
  ph.potentials = {abs, cu};
  return ph;
}

ScatteringPath single(const Eigen::Vector3d& r, int ipot = 1) {
  ScatteringPath p;
  p.scatterers_A = {r};
  p.ipot = {ipot};
  p.z = {29};
  p.mass_amu = {63.55};
  p.degeneracy = 12;
  return p;
}

// Wigner's explicit formula in long double (reference for the recursion).
long double wigner_explicit(int j, int m, int mp, long double beta) {
  auto fact = [](int n) {
    long double f = 1;
    for (int i = 2; i <= n; ++i) f *= i;
    return f;
  };
  long double sum = 0;
  const long double c = std::cos(beta / 2), s = std::sin(beta / 2);
  for (int k = std::max(0, mp - m); k <= std::min(j + mp, j - m); ++k) {
    long double term = std::sqrt(fact(j + m) * fact(j - m) * fact(j + mp) * fact(j - mp)) /
                       (fact(j + mp - k) * fact(k) * fact(m - mp + k) * fact(j - m - k)) *
                       std::pow(c, 2 * j + mp - m - 2 * k) * std::pow(s, m - mp + 2 * k);
    sum += ((m - mp + k) % 2 == 0) ? term : -term;
  }
  return sum;
}

}  // namespace

TEST_CASE("Wigner d: closed forms and the explicit sum", "[feff][rehr_albers]") {
  const double b = 0.7;
  // Closed forms of §3.2, exact to round-off.
  CHECK_THAT(wigner_d(1, 0, 0, b), WithinAbs(std::cos(b), 1e-15));
  CHECK_THAT(wigner_d(1, 1, 0, b), WithinAbs(-std::sin(b) / std::sqrt(2.0), 1e-15));
  CHECK_THAT(wigner_d(1, -1, -1, b), WithinAbs(std::pow(std::cos(b / 2), 2), 1e-15));
  CHECK_THAT(wigner_d(1, 0, 1, b), WithinAbs(std::sin(b) / std::sqrt(2.0), 1e-15));
  for (int l = 0; l <= 20; ++l) {
    for (int m = -2; m <= 2; ++m) {
      for (int mp = -2; mp <= 2; ++mp) {
        for (double beta : {0.0, 0.3, 1.9, 2.5, 3.14159265358979}) {
          INFO("l=" << l << " m=" << m << " mp=" << mp << " beta=" << beta);
          const double ref = std::abs(m) > l || std::abs(mp) > l ? 0.0 : static_cast<double>(wigner_explicit(l, m, mp, beta));
          // Upward recursion over ≤ 20 steps: round-off ≲ 1e-13 (|d| ≤ 1).
          CHECK_THAT(wigner_d(l, m, mp, beta), WithinAbs(ref, 1e-12));
        }
      }
    }
  }
}

TEST_CASE("Hankel coefficients c~_l^(m) match the explicit sum", "[feff][rehr_albers]") {
  const cplx z(-0.000231234, -0.038898034);
  const int lmax = 12, mmax = 3;
  std::vector<cplx> out((lmax + 1) * (mmax + 1));
  hankel_coefficients(z, lmax, mmax, out);
  auto fact = [](int n) {
    double f = 1;
    for (int i = 2; i <= n; ++i) f *= i;
    return f;
  };
  for (int l = 0; l <= lmax; ++l) {
    for (int m = 0; m <= mmax; ++m) {
      cplx ref(0, 0);
      for (int j = m; j <= l; ++j) {
        ref += fact(j) / (fact(m) * fact(j - m)) * fact(l + j) / (fact(j) * fact(l - j)) * std::pow(-z / 2.0, j);
      }
      INFO("l=" << l << " m=" << m);
      // Recursion vs explicit sum in double: relative 1e-12 covers round-off.
      CHECK(std::abs(out[l * (mmax + 1) + m] - ref) <= 1e-12 * std::max(1.0, std::abs(ref)));
    }
  }
  // (2m−1)!!(−z)^m for l = m (§3.3).
  CHECK(std::abs(out[3 * (mmax + 1) + 3] - 15.0 * std::pow(-z, 3)) < 1e-15);
}

TEST_CASE("Worked example of docs/physics.md §3.11 (Cu SS path at k = 10/Å)", "[feff][rehr_albers]") {
  const PhaseShifts ph = worked_example_phases();
  RehrAlbersCalculator calc(ph);
  const double r = 3.61 / std::sqrt(2.0);
  // Any direction: the result is rotation invariant; use FEFF's representative direction.
  const auto amp = calc.compute(single(Eigen::Vector3d(-1.805, -1.805, 0.0)));
  CHECK_THAT(amp.reff_A, WithinRel(r, 1e-12));
  const cplx chi = amp.chi_tilde[1];
  const cplx f = amp.f_eff_A[1];
  INFO("chi_tilde = " << chi << ", F = " << f);
  // Expected values are printed with 7 significant digits (χ̃) and 6 (F): 2e-6 relative.
  CHECK_THAT(chi.real(), WithinRel(0.004066473, 2e-6));
  CHECK_THAT(chi.imag(), WithinRel(-0.004091269, 2e-6));
  CHECK_THAT(f.real(), WithinRel(0.291522, 5e-6));
  CHECK_THAT(f.imag(), WithinRel(-0.450868, 5e-6));
  CHECK_THAT(std::abs(f), WithinRel(0.536905, 5e-6));
  CHECK_THAT(std::arg(f), WithinAbs(-0.99683, 1e-5));
  // T = Tr(MF) recovered from χ̃ (§3.8): T = 3 χ̃ ρ² / (e^{2iδ1} e^{i(2ρ−2kR)}).
  const cplx p = ph.p_invA[1];
  const cplx rho = p * r;
  const cplx t = 3.0 * chi * rho * rho / (std::exp(cplx(0, 2) * cplx(4.816585, 0.02546442)) *
                                          std::exp(cplx(0, 1) * (2.0 * rho - 2.0 * ph.k_invA[1] * r)));
  CHECK_THAT(t.real(), WithinRel(-3.633814, 3e-6));
  CHECK_THAT(t.imag(), WithinRel(15.927416, 3e-6));
}

TEST_CASE("Plane-wave limit reproduces the textbook single-scattering amplitude", "[feff][rehr_albers]") {
  const PhaseShifts ph = worked_example_phases();
  RehrAlbersOptions opt;
  opt.plane_wave = true;
  RehrAlbersCalculator calc(ph, opt);
  const double r = 3.61 / std::sqrt(2.0);
  const auto amp = calc.compute(single(Eigen::Vector3d(0.0, r, 0.0)));
  const cplx p = ph.p_invA[1];
  const double k = ph.k_invA[1];
  cplx fpi(0, 0);  // f(π) = (1/p) Σ (2l+1) t_l (−1)^l
  const auto& d = ph.potentials[1].delta[1];
  for (std::size_t l = 0; l < d.size(); ++l) {
    const cplx tl = (std::exp(cplx(0, 2) * d[l]) - 1.0) / cplx(0, 2);
    fpi += (2.0 * l + 1.0) * tl * (l % 2 == 0 ? 1.0 : -1.0);
  }
  fpi /= p;
  // §3.11 numbers, printed to 5–6 digits.
  CHECK_THAT(fpi.real(), WithinRel(-0.036433, 2e-5));
  CHECK_THAT(fpi.imag(), WithinRel(-0.588144, 2e-5));
  const cplx fpw = (k / p) * fpi * std::exp(cplx(0, 2) * (p.real() - k) * r);
  // General code with c~ = δ_m0 vs the closed form: identical up to round-off (§3.9: 1e-15).
  CHECK(std::abs(amp.f_eff_A[1] - fpw) < 1e-13);
  CHECK_THAT(std::abs(amp.f_eff_A[1]), WithinRel(0.58512, 2e-5));
  CHECK_THAT(amp.f_eff_A[1].real(), WithinRel(0.169409, 2e-5));
  CHECK_THAT(amp.f_eff_A[1].imag(), WithinRel(-0.560056, 2e-5));
}

TEST_CASE("Plane-wave MS limit is the product of scattering amplitudes", "[feff][rehr_albers]") {
  const PhaseShifts ph = worked_example_phases();
  RehrAlbersOptions opt;
  opt.plane_wave = true;
  RehrAlbersCalculator calc(ph, opt);
  ScatteringPath path;
  path.scatterers_A = {Eigen::Vector3d(0.0, -1.805, 1.805), Eigen::Vector3d(1.805, 0.3, 1.805)};
  path.ipot = {1, 1};
  path.z = {29, 29};
  const auto amp = calc.compute(path);
  const PathGeometry g = path_geometry(path);
  const cplx p = ph.p_invA[1];
  const double k = ph.k_invA[1];
  auto legendre = [](int l, double x) {
    double p0 = 1, p1 = x;
    if (l == 0) return p0;
    for (int n = 1; n < l; ++n) {
      const double p2 = ((2 * n + 1) * x * p1 - n * p0) / (n + 1);
      p0 = p1;
      p1 = p2;
    }
    return p1;
  };
  cplx prod = 3.0 * std::cos(g.beta_rad[2]);  // M = 3 cos β_N
  double rprod = 1;
  for (int j = 0; j < 2; ++j) {
    cplx f(0, 0);
    const auto& d = ph.potentials[1].delta[1];
    for (std::size_t l = 0; l < d.size(); ++l) {
      const cplx tl = (std::exp(cplx(0, 2) * d[l]) - 1.0) / cplx(0, 2);
      f += (2.0 * l + 1.0) * tl * legendre(static_cast<int>(l), std::cos(g.beta_rad[j]));
    }
    prod *= f;
  }
  for (double r : g.leg_A) rprod *= r;
  const cplx expected = std::exp(cplx(0, 2) * cplx(4.816585, 0.02546442)) *
                        std::exp(cplx(0, 1) * (2.0 * p * g.reff_A - 2.0 * k * g.reff_A)) / (p * p * p * rprod) * prod / 3.0;
  // Same arithmetic in a different order: relative 1e-12.
  CHECK(std::abs(amp.chi_tilde[1] - expected) < 1e-12 * std::abs(expected));
}

TEST_CASE("F_eff is invariant under rotations, reflections and time reversal", "[feff][rehr_albers]") {
  const PhaseShifts ph = worked_example_phases();
  RehrAlbersCalculator calc(ph);
  // A non-planar 4-leg path (η ≠ 0) and a 3-leg path.
  ScatteringPath p4;
  p4.scatterers_A = {Eigen::Vector3d(1.9, 0.2, -0.3), Eigen::Vector3d(2.1, 2.3, 0.4), Eigen::Vector3d(-0.2, 1.7, 1.6)};
  p4.ipot = {1, 1, 1};
  ScatteringPath p3;
  p3.scatterers_A = {Eigen::Vector3d(1.9, 0.2, -0.3), Eigen::Vector3d(0.4, 2.3, 0.4)};
  p3.ipot = {1, 1};
  const Eigen::Matrix3d rot =
      (Eigen::AngleAxisd(0.7, Eigen::Vector3d(0.3, -0.5, 0.8).normalized()) * Eigen::AngleAxisd(2.1, Eigen::Vector3d::UnitX()))
          .toRotationMatrix();
  Eigen::Matrix3d mirror = Eigen::Matrix3d::Identity();
  mirror(1, 1) = -1;
  for (const ScatteringPath* base : {&p3, &p4}) {
    const auto ref = calc.compute(*base);
    for (const Eigen::Matrix3d& m : {Eigen::Matrix3d(rot), Eigen::Matrix3d(mirror * rot), Eigen::Matrix3d(-Eigen::Matrix3d::Identity())}) {
      ScatteringPath q = *base;
      for (auto& r : q.scatterers_A) r = m * r;
      const auto got = calc.compute(q);
      for (std::size_t ie = 0; ie < ref.chi_tilde.size(); ++ie) {
        INFO("legs " << base->n_legs() << " ie " << ie << " " << got.chi_tilde[ie] << " vs " << ref.chi_tilde[ie]);
        // Exact symmetry of the formalism: only round-off (1e-10 relative).
        CHECK(std::abs(got.chi_tilde[ie] - ref.chi_tilde[ie]) < 1e-10 * std::abs(ref.chi_tilde[ie]));
      }
    }
    // Time reversal is exact only for the untruncated expansion (and for iorder 0): the λ
    // truncation breaks it slightly, which is why FEFF computes one member of a (path, reverse)
    // group. On the same path scaled ×2 (legs 4–5 Å) we measured at k = 10/Å: iorder 2 → ~1e-2,
    // 3 → ~8e-4, 4 → ~7e-5; bound iorder 4 by 1e-3 and require convergence with the order.
    ScatteringPath big = *base;
    for (auto& r : big.scatterers_A) r *= 2.0;
    ScatteringPath rev = big;
    std::reverse(rev.scatterers_A.begin(), rev.scatterers_A.end());
    double err_by_order[5] = {};
    for (int order : {0, 2, 4}) {
      RehrAlbersOptions o;
      o.iorder = order;
      RehrAlbersCalculator c(ph, o);
      const auto a = c.compute(big);
      const auto b = c.compute(rev);
      err_by_order[order] = std::abs(a.chi_tilde[1] - b.chi_tilde[1]) / std::abs(a.chi_tilde[1]);
      INFO("time reversal, legs " << base->n_legs() << " iorder " << order << " rel. difference " << err_by_order[order]);
      CHECK(err_by_order[order] < (order == 0 ? 1e-12 : order == 2 ? 5e-2 : 1e-3));
    }
    CHECK(err_by_order[4] < 0.2 * err_by_order[2]);
  }
}

TEST_CASE("Rehr–Albers calculator rejects bad input", "[feff][rehr_albers]") {
  const PhaseShifts ph = worked_example_phases();
  RehrAlbersOptions opt;
  opt.iorder = 7;
  CHECK_THROWS_AS(RehrAlbersCalculator(ph, opt), xasforge::InputError);
  RehrAlbersCalculator calc(ph);
  CHECK_THROWS_AS(calc.compute(single(Eigen::Vector3d(1, 0, 0), 5)), xasforge::InputError);
  CHECK_THROWS_AS(calc.compute(single(Eigen::Vector3d(0, 0, 0))), xasforge::InputError);
}
