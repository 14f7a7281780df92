// A plain scalar F_eff as the test oracle of the production Rehr–Albers calculator: the formulas
// (E3.1)–(E3.10) of docs/physics.md evaluated one energy at a time with full complex λ×λ matrices,
// no caches, no SIMD, no skipped entries. Only wigner_d, hankel_coefficients and path_geometry
// come from the library (each checked against closed forms in test_rehr_albers.cpp); the λ sets,
// γ/γ̃, the scattering and termination matrices, the chain and χ̃ are written out here.
#include <cmath>
#include <complex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/scattering/feff_files.hpp"
#include "core/scattering/rehr_albers.hpp"
#include "tests/core/scattering/feff_fixture.hpp"
#include "tests/test_paths.hpp"

using namespace xasforge::scattering;
using cplx = std::complex<double>;

namespace {

struct Lam {
  int mu, nu;
};

// (E3.8): 2ν + |μ| ≤ order, |μ| ≤ mmax, ν ≤ nmax; the order inside the set does not matter for
// the trace, only membership and the laml0 subset (ν ≤ l0 and |μ| ≤ l0).
std::vector<Lam> lambda_set(int order, int mmax, int nmax) {
  std::vector<Lam> out;
  for (int nu = 0; nu <= nmax; ++nu)
    for (int am = 0; am <= mmax && 2 * nu + am <= order; ++am) {
      out.push_back({-am, nu});
      if (am > 0) out.push_back({am, nu});
    }
  return out;
}

double norm_lm(int l, int m) {  // N_lm = √((2l+1)(l−m)!/(l+m)!)
  double r = 2.0 * l + 1.0;
  for (int i = l - m + 1; i <= l + m; ++i) r /= i;
  return std::sqrt(r);
}

// c̃_l^{(m)}(z) for one z, l ≤ lmax, m ≤ mmax (zero for m > l).
struct Ctilde {
  int w;
  std::vector<cplx> c;
  Ctilde(cplx z, int lmax, int mmax) : w(mmax + 1), c(static_cast<std::size_t>((lmax + 1) * (mmax + 1))) {
    hankel_coefficients(z, lmax, mmax, c);
  }
  cplx operator()(int l, int m) const { return m < w ? c[static_cast<std::size_t>(l * w + m)] : cplx(0.0, 0.0); }
};

cplx gamma_out(const Ctilde& c, int l, Lam a) {  // γ^l_{μν}, (E3.6)
  const int am = std::abs(a.mu);
  if (am > l || a.nu + am > l) return 0.0;
  return (am % 2 ? -1.0 : 1.0) * norm_lm(l, am) * c(l, a.nu + am);
}
cplx gamma_in(const Ctilde& c, int l, Lam b) {  // γ̃^l_{μ′ν′}, (E3.6)
  const int am = std::abs(b.mu);
  if (am > l || b.nu > l) return 0.0;
  return (2.0 * l + 1.0) / norm_lm(l, am) * c(l, b.nu);
}

std::vector<cplx> oracle_chi_tilde(const PhaseShifts& ph, const ScatteringPath& path, int iorder) {
  const PathGeometry g = path_geometry(path);
  const int n = static_cast<int>(g.leg_A.size());
  const int l0 = ph.l0;
  const bool ss = n == 2;
  const auto lam = ss ? lambda_set(3 * l0, l0, l0) : lambda_set(iorder, iorder, iorder / 2);
  const int nl = static_cast<int>(lam.size());
  auto in_l0 = [&](Lam a) { return a.nu <= l0 && std::abs(a.mu) <= l0; };
  int lmax = l0;
  for (const auto& pot : ph.potentials) lmax = std::max(lmax, pot.lmax);
  const int mmax = 2 * iorder + 3 * l0;  // ≥ every ν + |μ| used
  // Rotation matrices do not depend on energy: d^l_{μ_a μ_b}(β_j) for every vertex j = 1..N.
  std::vector<std::vector<double>> dval(static_cast<std::size_t>(n));
  for (int j = 1; j <= n; ++j) {
    auto& d = dval[static_cast<std::size_t>(j - 1)];
    d.resize(static_cast<std::size_t>(nl * nl * (lmax + 1)));
    for (int a = 0; a < nl; ++a)
      for (int b = 0; b < nl; ++b)
        for (int l = 0; l <= lmax; ++l)
          d[static_cast<std::size_t>((a * nl + b) * (lmax + 1) + l)] =
              wigner_d(l, lam[a].mu, lam[b].mu, g.beta_rad[static_cast<std::size_t>(j - 1)]);
  }
  auto dm = [&](int j, int a, int b, int l) { return dval[static_cast<std::size_t>(j - 1)][static_cast<std::size_t>((a * nl + b) * (lmax + 1) + l)]; };
  std::vector<cplx> chi(ph.k_invA.size());
  for (std::size_t ie = 0; ie < chi.size(); ++ie) {
    const cplx p = ph.p_invA[ie];
    std::vector<Ctilde> c;  // per leg j = 1..N (index j−1)
    cplx sum_rho = 0.0, prod_rho = 1.0;
    for (int j = 0; j < n; ++j) {
      const cplx rho = p * g.leg_A[static_cast<std::size_t>(j)];
      sum_rho += rho;
      prod_rho *= rho;
      c.emplace_back(cplx(0.0, -1.0) / rho, lmax, mmax);  // z = 1/(iρ)
    }
    // P = F^{(N−1)} ⋯ F^{(1)}, starting from the identity.
    std::vector<cplx> P(static_cast<std::size_t>(nl * nl), 0.0);
    for (int a = 0; a < nl; ++a) P[static_cast<std::size_t>(a * nl + a)] = 1.0;
    for (int j = 1; j < n; ++j) {  // scatterer j: incoming leg j, outgoing leg j+1
      const auto& pot = ph.potentials[static_cast<std::size_t>(path.ipot[static_cast<std::size_t>(j - 1)])];
      const double eta = g.eta_rad[static_cast<std::size_t>(j % n)];  // η_{j+1}
      std::vector<cplx> F(static_cast<std::size_t>(nl * nl), 0.0);
      for (int a = 0; a < nl; ++a)
        for (int b = 0; b < nl; ++b) {
          cplx s = 0.0;
          for (int l = 0; l <= pot.lmax; ++l) {
            const cplx d = pot.delta[ie][static_cast<std::size_t>(l)];
            if (d == cplx(0.0, 0.0)) continue;
            const cplx t = (std::exp(cplx(0.0, 2.0) * d) - 1.0) / cplx(0.0, 2.0);  // (E3.7)
            s += t * gamma_out(c[static_cast<std::size_t>(j)], l, lam[a]) * dm(j, a, b, l) *
                 gamma_in(c[static_cast<std::size_t>(j - 1)], l, lam[b]);
          }
          F[static_cast<std::size_t>(a * nl + b)] = std::polar(1.0, -lam[a].mu * eta) * s;
        }
      std::vector<cplx> Q(P.size(), 0.0);
      for (int a = 0; a < nl; ++a)
        for (int b = 0; b < nl; ++b)
          for (int q = 0; q < nl; ++q) Q[static_cast<std::size_t>(a * nl + b)] += F[static_cast<std::size_t>(a * nl + q)] * P[static_cast<std::size_t>(q * nl + b)];
      P = Q;
    }
    // (E3.9): termination at the absorber, l = l0, t = 1, angle β_N, phase η_1; λ, λ′ ≤ laml0.
    cplx T = 0.0;
    for (int a = 0; a < nl; ++a) {
      if (!in_l0(lam[a])) continue;
      for (int b = 0; b < nl; ++b) {
        if (!in_l0(lam[b])) continue;
        const cplx M = std::polar(1.0, -lam[a].mu * g.eta_rad[0]) * gamma_out(c[0], l0, lam[a]) *
                       dm(n, a, b, l0) *
                       gamma_in(c[static_cast<std::size_t>(n - 1)], l0, lam[b]);
        T += M * P[static_cast<std::size_t>(b * nl + a)];
      }
    }
    // (E3.10)
    const cplx d0 = ph.potentials[0].delta[ie][static_cast<std::size_t>(l0)];
    chi[ie] = std::exp(cplx(0.0, 2.0) * d0) * std::exp(cplx(0.0, 1.0) * (sum_rho - 2.0 * ph.k_invA[ie] * g.reff_A)) /
              prod_rho * T / (2.0 * l0 + 1.0);
  }
  return chi;
}


}  // namespace

TEST_CASE("Rehr–Albers kernels equal the plain scalar oracle", "[feff][rehr_albers][oracle]") {
  // ZnO (absorber + two scatterer potentials, SS/DS/TS paths) and the disordered Cu cluster
  // (non-planar paths, η ≠ 0). The calculator evaluates cached tables at leg lengths on a 1e-8 Å
  // grid and β on a 1e-14 rad grid (relative change of z = 1/(iρ) ≤ 2e-9) and sums in another
  // order with FMA; 1e-7 of max|χ̃| covers that, while any formula or index error is O(1).
  for (const std::string name : {"zno", "cu_disordered256"}) {
    const std::string dir = (xasforge::test::reference_dir() / "scattering" / name).string();
    const PhaseShifts ph = feff::read_phase_shifts(dir);
    auto paths = xasforge::test::read_run_paths(dir);
    REQUIRE(paths.size() > 10);
    if (paths.size() > 40) paths.resize(40);  // keeps the oracle (O(λ³ l) per energy) under a few s
    RehrAlbersCalculator calc(ph);
    std::vector<cplx> got(ph.k_invA.size());
    int multiple = 0;
    for (const auto& path : paths) {
      calc.chi_tilde(path, got);
      const auto ref = oracle_chi_tilde(ph, path, 2);
      double scale = 0.0, err = 0.0;
      for (std::size_t ie = 0; ie < got.size(); ++ie) {
        scale = std::max(scale, std::abs(ref[ie]));
        err = std::max(err, std::abs(got[ie] - ref[ie]));
      }
      multiple += path.n_legs() > 2;
      INFO(name << " path " << path.index << " legs " << path.n_legs() << ": max|Δχ̃| " << err << " of max|χ̃| " << scale);
      REQUIRE(scale > 0.0);
      CHECK(err <= 1e-7 * scale);
    }
    CHECK(multiple > 3);  // multiple-scattering paths were compared, not only single scattering
  }
}

TEST_CASE("Rehr–Albers cache contents do not depend on what was cached first", "[feff][rehr_albers]") {
  // Two single-scattering paths whose legs differ by ~2e-9 Å share leg and vertex cache keys
  // (1e-8 Å grid). The second path's χ̃ must be the same bits whether the first was computed
  // before it by the same calculator or not: tables are computed at the key's grid values. (When
  // a table was computed from the first caller's exact legs, the order changed the last bits,
  // and `average --threads N` depended on N.)
  const std::string dir = (xasforge::test::reference_dir() / "scattering" / "cu_fcc").string();
  const PhaseShifts ph = feff::read_phase_shifts(dir);
  const auto paths = xasforge::test::read_run_paths(dir);
  std::size_t n_checked = 0;
  for (const auto& a : paths) {
    if (a.n_legs() != 2) continue;
    const double r = a.scatterers_A[0].norm();
    const long long key = std::llround(r * 1e8);
    double r2 = r + 2e-9;
    if (std::llround(r2 * 1e8) != key) r2 = r - 2e-9;
    REQUIRE(std::llround(r2 * 1e8) == key);
    ScatteringPath b = a;
    b.scatterers_A[0] *= r2 / r;
    std::vector<cplx> first(ph.k_invA.size()), after(ph.k_invA.size()), fresh(ph.k_invA.size());
    RehrAlbersCalculator warm(ph);
    warm.chi_tilde(a, first);
    warm.chi_tilde(b, after);
    RehrAlbersCalculator cold(ph);
    cold.chi_tilde(b, fresh);
    INFO("path " << a.index << " R = " << r);
    CHECK(after == fresh);
    ++n_checked;
  }
  CHECK(n_checked >= 3);
}
