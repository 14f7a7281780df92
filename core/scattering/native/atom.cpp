// Self-consistent free atoms (docs/scattering_native.md §3).
#include "core/scattering/native/atom.hpp"

#include <stdexcept>
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <sstream>

#include "core/error.hpp"

namespace xasforge::scattering::native {
namespace {

constexpr double kPi = std::numbers::pi;

// Madelung (n + l, then n) filling order up to 7p.
constexpr std::array<std::array<int, 2>, 19> kFillOrder{{{1, 0}, {2, 0}, {2, 1}, {3, 0}, {3, 1}, {4, 0}, {3, 2},
                                                         {4, 1}, {5, 0}, {4, 2}, {5, 1}, {6, 0}, {4, 3}, {5, 2},
                                                         {6, 1}, {7, 0}, {5, 3}, {6, 2}, {7, 1}}};

void set_occ(Configuration& c, int n, int l, double occ) {
  for (auto& o : c.orbitals)
    if (o.n == n && o.l == l) {
      o.occupation = occ;
      return;
    }
  c.orbitals.push_back({n, l, occ, 0.0});
}

double get_occ(const Configuration& c, int n, int l) {
  for (const auto& o : c.orbitals)
    if (o.n == n && o.l == l) return o.occupation;
  return 0.0;
}

// Thomas–Fermi screening function (analytic fit quoted by e.g. Tietz, J. Chem. Phys. 22, 2094
// (1954)); only the starting potential of the self-consistency, so its accuracy is immaterial.
double thomas_fermi_phi(double x) {
  const double s = std::sqrt(x);
  return 1.0 / (1.0 + 0.02747 * s + 1.243 * x - 0.1486 * x * s + 0.2302 * x * x + 0.007298 * x * x * s +
                0.006944 * x * x * x);
}

struct Solver {
  const RadialGrid& g;
  int z;
  const std::vector<double>& v;     // potential on the grid
  std::vector<double> vmid;         // potential at x_i + h/2
  double inv_2c2 = 0.5 / (kSpeedOfLight * kSpeedOfLight);

  Solver(const RadialGrid& grid, int zz, const std::vector<double>& pot) : g(grid), z(zz), v(pot), vmid(grid.n) {
    // interpolate r V (smooth at the nucleus) to the midpoints with 4-point Lagrange in x
    for (std::size_t i = 0; i + 1 < g.n; ++i) {
      std::size_t i0 = i == 0 ? 0 : (i + 2 >= g.n ? g.n - 4 : i - 1);
      const double u = static_cast<double>(i) + 0.5 - static_cast<double>(i0);
      double rv = 0.0;
      for (int a = 0; a < 4; ++a) {
        double w = 1.0;
        for (int b = 0; b < 4; ++b)
          if (b != a) w *= (u - b) / static_cast<double>(a - b);
        rv += w * g.r[i0 + a] * v[i0 + a];
      }
      vmid[i] = rv / std::exp(g.x(i) + 0.5 * g.h);
    }
    vmid[g.n - 1] = v[g.n - 1];
  }

  double gamma(int l) const {
    const double zc = z / kSpeedOfLight;
    return std::sqrt(std::max(l * (l + 1) + 1.0 - zc * zc, 0.25));
  }

  // Outward integration from the origin; counts nodes of P up to the point where P can no longer
  // cross zero (forbidden region with P P' > 0) or the grid end. Stores P, Q up to `store_to`.
  int outward(double e, int l, std::size_t store_to, std::vector<double>* P, std::vector<double>* Q) const {
    const double ll1 = l * (l + 1.0);
    // last classically allowed point: beyond it P can cross zero at most once more
    std::size_t itp = 0;
    for (std::size_t i = g.n - 1; i > 0; --i)
      if (v[i] + ll1 / (2.0 * g.r[i] * g.r[i]) < e) {
        itp = i;
        break;
      }
    if (itp == 0 && !P) return 0;
    const double gm = gamma(l);
    double p = std::pow(g.r[0], gm);
    double m0 = 1.0 + (e - v[0]) * inv_2c2;
    double q = (gm - 1.0) * p / (2.0 * m0 * g.r[0]);
    int nodes = 0;
    if (P) {
      (*P)[0] = p;
      (*Q)[0] = q;
    }
    for (std::size_t i = 0; i + 1 < g.n; ++i) {
      const double pold = p;
      rk4_step(g.x(i), g.h, v[i], vmid[i], v[i + 1], e, ll1, inv_2c2, p, q);
      if ((p < 0) != (pold < 0) && pold != 0.0) ++nodes;
      if (P && i + 1 <= store_to) {
        (*P)[i + 1] = p;
        (*Q)[i + 1] = q;
      }
      if (std::abs(p) > 1e100) {
        p *= 1e-100;
        q *= 1e-100;
        if (P)
          for (std::size_t j = 0; j <= std::min(i + 1, store_to); ++j) {
            (*P)[j] *= 1e-100;
            (*Q)[j] *= 1e-100;
          }
      }
      if (i + 1 > store_to && i + 1 > itp) {
        const double r = g.r[i + 1];
        const double m = 1.0 + (e - v[i + 1]) * inv_2c2;
        const double dp = 2.0 * m * r * q + p;
        if (p * dp > 0) break;  // forbidden region, growing monotonically: no more nodes
      }
    }
    return nodes;
  }

  // Bound state (n, l): eigenvalue by bisection on the node count, then the eigenfunction joined
  // from outward and inward integrations at the classical turning point, normalised with the
  // small component, ∫ (P² + Q²/c²) dr = 1.
  double solve(int n, int l, double e_guess, std::vector<double>& P, std::vector<double>& Q, double tol = 1e-11) const {
    const int nr = n - l - 1;
    auto too_high = [&](double e) { return outward(e, l, 0, nullptr, nullptr) > nr; };
    const double zc = z / kSpeedOfLight;
    double lo = -(z * z) / (2.0 * n * n) * (1.1 + zc * zc) - 1.0, hi = -1e-7;
    if (e_guess < 0) {
      const double w = 0.05 * std::abs(e_guess) + 0.05;
      const double a = e_guess - w, b = std::min(e_guess + w, -1e-7);
      if (a < b && !too_high(a) && too_high(b)) {
        lo = a;
        hi = b;
      }
    }
    if (too_high(lo) || !too_high(hi)) {
      std::ostringstream os;
      os << "native atom Z=" << z << ": orbital n=" << n << " l=" << l << " is not bound in the LDA potential";
      throw PhysicsError(os.str());
    }
    while (hi - lo > tol * std::max(1.0, std::abs(lo))) {
      const double mid = 0.5 * (lo + hi);
      (too_high(mid) ? hi : lo) = mid;
    }
    const double e = 0.5 * (lo + hi);
    const double ll1 = l * (l + 1.0);
    // classical turning point (last point where V_eff < E)
    std::size_t itp = 1;
    for (std::size_t i = 1; i < g.n; ++i)
      if (v[i] + ll1 / (2.0 * g.r[i] * g.r[i]) < e) itp = i;
    itp = std::max<std::size_t>(itp, 10);
    const double kappa = std::sqrt(-2.0 * e);
    std::size_t iinf = g.n - 1;
    for (std::size_t i = itp; i < g.n; ++i)
      if ((g.r[i] - g.r[itp]) * kappa > 40.0) {
        iinf = i;
        break;
      }
    P.assign(g.n, 0.0);
    Q.assign(g.n, 0.0);
    outward(e, l, itp, &P, &Q);
    const double pm = P[itp];
    // inward
    double p = 1e-20, q = -(kappa + 1.0 / g.r[iinf]) * p / (2.0 * (1.0 + (e - v[iinf]) * inv_2c2));
    std::vector<double> Pi(g.n, 0.0), Qi(g.n, 0.0);
    Pi[iinf] = p;
    Qi[iinf] = q;
    for (std::size_t i = iinf; i > itp; --i) {
      rk4_step(g.x(i), -g.h, v[i], vmid[i - 1], v[i - 1], e, ll1, inv_2c2, p, q);
      Pi[i - 1] = p;
      Qi[i - 1] = q;
      if (std::abs(p) > 1e100) {
        p *= 1e-100;
        q *= 1e-100;
        for (std::size_t j = i - 1; j <= iinf; ++j) {
          Pi[j] *= 1e-100;
          Qi[j] *= 1e-100;
        }
      }
    }
    const double scale = pm / Pi[itp];
    for (std::size_t i = itp + 1; i <= iinf; ++i) {
      P[i] = Pi[i] * scale;
      Q[i] = Qi[i] * scale;
    }
    std::vector<double> dens(g.n);
    const double c2 = kSpeedOfLight * kSpeedOfLight;
    for (std::size_t i = 0; i < g.n; ++i) dens[i] = P[i] * P[i] + Q[i] * Q[i] / c2;
    const double norm = 1.0 / std::sqrt(g.integrate(dens));
    for (std::size_t i = 0; i < g.n; ++i) {
      P[i] *= norm;
      Q[i] *= norm;
    }
    return e;
  }
};

}  // namespace

double Configuration::electrons() const {
  double s = 0.0;
  for (const auto& o : orbitals) s += o.occupation;
  return s;
}

std::string Configuration::label() const {
  static const char* lname = "spdfgh";
  std::ostringstream os;
  os << "Z" << z;
  for (const auto& o : orbitals) os << ' ' << o.n << lname[o.l] << o.occupation;
  return os.str();
}

Configuration ground_configuration(int z) {
  if (z < 1 || z > 98) throw InputError("native atoms: element Z=" + std::to_string(z) + " is outside 1..98");
  struct Occ {
    int n, l;
    double occ;
  };
  struct Row {
    int z;
    std::vector<Occ> occ;
  };
  static const std::vector<Row> table = {
#include "core/scattering/native/feff_configurations.inc"
  };
  Configuration c;
  c.z = z;
  for (const auto& o : table.at(static_cast<std::size_t>(z - 1)).occ) c.orbitals.push_back({o.n, o.l, o.occ, 0.0});
  return c;
}

Configuration textbook_ground_configuration(int z) {
  if (z < 1 || z > 98) throw InputError("native atoms: element Z=" + std::to_string(z) + " is outside 1..98");
  Configuration c;
  c.z = z;
  int left = z;
  for (const auto& [n, l] : kFillOrder) {
    if (left <= 0) break;
    const int cap = 2 * (2 * l + 1);
    const int occ = std::min(cap, left);
    c.orbitals.push_back({n, l, static_cast<double>(occ), 0.0});
    left -= occ;
  }
  // Anomalous neutral ground states (NIST ASD ground levels): (Z, n, l, occupation) overrides.
  struct Fix {
    int z, n, l;
    double occ;
  };
  static const Fix fixes[] = {
      {24, 3, 2, 5},  {24, 4, 0, 1},  {29, 3, 2, 10}, {29, 4, 0, 1},  {41, 4, 2, 4},  {41, 5, 0, 1},
      {42, 4, 2, 5},  {42, 5, 0, 1},  {44, 4, 2, 7},  {44, 5, 0, 1},  {45, 4, 2, 8},  {45, 5, 0, 1},
      {46, 4, 2, 10}, {46, 5, 0, 0},  {47, 4, 2, 10}, {47, 5, 0, 1},  {57, 4, 3, 0},  {57, 5, 2, 1},
      {58, 4, 3, 1},  {58, 5, 2, 1},  {64, 4, 3, 7},  {64, 5, 2, 1},  {78, 5, 2, 9},  {78, 6, 0, 1},
      {79, 5, 2, 10}, {79, 6, 0, 1},  {89, 5, 3, 0},  {89, 6, 2, 1},  {90, 5, 3, 0},  {90, 6, 2, 2},
      {91, 5, 3, 2},  {91, 6, 2, 1},  {92, 5, 3, 3},  {92, 6, 2, 1},  {93, 5, 3, 4},  {93, 6, 2, 1},
      {96, 5, 3, 7},  {96, 6, 2, 1}};
  for (const auto& f : fixes)
    if (f.z == z) set_occ(c, f.n, f.l, f.occ);
  c.orbitals.erase(std::remove_if(c.orbitals.begin(), c.orbitals.end(), [](const Orbital& o) { return o.occupation <= 0; }),
                   c.orbitals.end());
  std::sort(c.orbitals.begin(), c.orbitals.end(), [](const Orbital& a, const Orbital& b) {
    return a.n != b.n ? a.n < b.n : a.l < b.l;
  });
  return c;
}

Configuration core_hole_configuration(int z, Edge edge) {
  Configuration c = ground_configuration(z);
  const int hn = edge == Edge::kK ? 1 : 2;
  const int hl = (edge == Edge::kL2 || edge == Edge::kL3) ? 1 : 0;
  set_occ(c, hn, hl, get_occ(c, hn, hl) - 1.0);
  // screening electron: first orbital (Madelung order) that the Z+1 ground state fills more
  const Configuration up = ground_configuration(std::min(z + 1, 98));
  for (const auto& [n, l] : kFillOrder) {
    if (get_occ(up, n, l) - get_occ(ground_configuration(z), n, l) > 0.5) {
      set_occ(c, n, l, get_occ(c, n, l) + 1.0);
      break;
    }
  }
  std::sort(c.orbitals.begin(), c.orbitals.end(), [](const Orbital& a, const Orbital& b) {
    return a.n != b.n ? a.n < b.n : a.l < b.l;
  });
  return c;
}

const RadialGrid& standard_grid() {
  static const RadialGrid grid(-11.0, 0.01, 40.0);
  return grid;
}

double bound_state_energy(const std::vector<double>& v, int z, int n, int l) {
  const RadialGrid& g = standard_grid();
  if (v.size() != g.n) throw std::logic_error("bound_state_energy: the potential must be sampled on standard_grid()");
  Solver s(g, z, v);
  std::vector<double> P, Q;
  return s.solve(n, l, 0.0, P, Q);
}

double vxc_vbh(double rho) {
  if (rho <= 1e-30) return 0.0;
  const double rs = std::cbrt(3.0 / (4.0 * kPi * rho));
  const double alpha = std::cbrt(4.0 / (9.0 * kPi));
  // von Barth & Hedin 1972 (paramagnetic): μ_xc = −2/(π α r_s) − c_p ln(1 + r_p/r_s) Ry,
  // c_p = 0.0504, r_p = 30; halved for Hartree.
  return 0.5 * (-2.0 / (kPi * alpha * rs) - 0.0504 * std::log(1.0 + 30.0 / rs));
}

Atom solve_atom(const Configuration& config) {
  const RadialGrid& g = standard_grid();
  const int z = config.z;
  Atom atom;
  atom.config = config;
  atom.grid = g;
  const std::size_t n = g.n;
  // starting potential: Thomas–Fermi screened nucleus, at least the −1/r of the ion core
  std::vector<double> vin(n);
  const double b = 0.8853 * std::cbrt(1.0 / z);
  for (std::size_t i = 0; i < n; ++i) {
    const double zeff = std::max(z * thomas_fermi_phi(g.r[i] / b), 1.0);
    vin[i] = -zeff / g.r[i];
  }
  std::vector<double> vout(n), fprev, vprev, rho(n), P, Q, vc(n);
  const double c2 = kSpeedOfLight * kSpeedOfLight;
  for (auto& o : atom.config.orbitals) o.energy_Ha = 0.0;
  double err = 1.0;
  int it = 0;
  for (; it < 300; ++it) {
    Solver s(g, z, vin);
    std::fill(rho.begin(), rho.end(), 0.0);
    // eigenvalues only as precise as the current potential: 10⁻³ of the last change of r V,
    // down to 10⁻¹¹ (relative) at convergence
    const double tol = std::clamp(1e-3 * err, 1e-11, 1e-3);
    for (auto& o : atom.config.orbitals) {
      o.energy_Ha = s.solve(o.n, o.l, o.energy_Ha, P, Q, tol);
      for (std::size_t i = 0; i < n; ++i)
        rho[i] += o.occupation * (P[i] * P[i] + Q[i] * Q[i] / c2) / (4.0 * kPi * g.r[i] * g.r[i]);
    }
    // Hartree potential: V_H(r) = Q(r)/r + ∫_r^∞ 4π s ρ ds
    std::vector<double> f1(n), f2(n);
    for (std::size_t i = 0; i < n; ++i) {
      f1[i] = 4.0 * kPi * g.r[i] * g.r[i] * rho[i];
      f2[i] = 4.0 * kPi * g.r[i] * rho[i];
    }
    const auto c1 = g.cumulative(f1), cc2 = g.cumulative(f2);
    for (std::size_t i = 0; i < n; ++i) {
      vc[i] = -z / g.r[i] + c1[i] / g.r[i] + (cc2.back() - cc2[i]);
      vout[i] = vc[i] + vxc_vbh(rho[i]);
    }
    err = 0.0;
    std::vector<double> f(n);
    for (std::size_t i = 0; i < n; ++i) {
      f[i] = g.r[i] * (vout[i] - vin[i]);
      err = std::max(err, std::abs(f[i]));
    }
    if (err < 1e-7) break;
    // Anderson mixing of r V (Anderson, J. ACM 12, 547 (1965)), mixing factor 0.5
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = g.r[i] * vin[i];
    std::vector<double> xbar = x, fbar = f;
    if (!fprev.empty()) {
      double num = 0.0, den = 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        const double df = f[i] - fprev[i];
        num += f[i] * df;
        den += df * df;
      }
      const double beta = den > 0 ? num / den : 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        xbar[i] = x[i] - beta * (x[i] - vprev[i]);
        fbar[i] = f[i] - beta * (f[i] - fprev[i]);
      }
    }
    fprev = f;
    vprev = x;
    for (std::size_t i = 0; i < n; ++i) vin[i] = (xbar[i] + 0.5 * fbar[i]) / g.r[i];
  }
  if (err >= 1e-7)
    throw PhysicsError("native atom " + config.label() + ": self-consistency did not converge (max |r ΔV| = " +
                       std::to_string(err) + " Ha·bohr after 300 iterations)");
  atom.rho = rho;
  atom.vcoul = vc;
  atom.vtot = vout;
  atom.iterations = it;
  return atom;
}

}  // namespace xasforge::scattering::native
