// Native potentials and phase shifts (docs/scattering_native.md).
#include "core/scattering/native/native_phase_provider.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <ctime>
#include <numbers>
#include <sstream>

#include "core/error.hpp"
#include "core/scattering/feff_phase_provider.hpp"
#include "core/units.hpp"

namespace xasforge::scattering::native {
namespace {

using cd = std::complex<double>;
using namespace xasforge::units;
constexpr double kPi = std::numbers::pi;
constexpr double kKfRs = 1.9191582926775128;  // (9π/4)^{1/3}

double cpu_now() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

// Core-level widths (eV, FWHM) K, L1, L2, L3 for Z = 1..98: Krause & Oliver, J. Phys. Chem. Ref.
// Data 8, 329 (1979) (Keski-Rahkonen & Krause 1974 for the lightest elements), as tabulated by
// xraydb (Newville, public domain). 0 = not tabulated.
constexpr std::array<std::array<double, 4>, 98> kCoreWidth{{
    {0.0201, 0, 0, 0},  // 1 H
    {0.0269, 0, 0, 0},  // 2 He
    {0.036, 0.1126, 0, 0},  // 3 Li
    {0.0483, 0.1426, 0.0025, 0.0025},  // 4 Be
    {0.0647, 0.1806, 0.0033, 0.0033},  // 5 B
    {0.0868, 0.2287, 0.0045, 0.0045},  // 6 C
    {0.1163, 0.2897, 0.006, 0.006},  // 7 N
    {0.1559, 0.367, 0.0081, 0.0081},  // 8 O
    {0.2089, 0.4648, 0.011, 0.011},  // 9 F
    {0.24, 0.1, 0, 0},  // 10 Ne
    {0.3, 0.2, 0, 0},  // 11 Na
    {0.36, 0.41, 0.001, 0.001},  // 12 Mg
    {0.42, 0.73, 0.004, 0.004},  // 13 Al
    {0.48, 1.03, 0.015, 0.014},  // 14 Si
    {0.53, 1.26, 0.032, 0.033},  // 15 P
    {0.59, 1.49, 0.054, 0.054},  // 16 S
    {0.64, 1.58, 0.083, 0.087},  // 17 Cl
    {0.68, 1.63, 0.126, 0.128},  // 18 Ar
    {0.74, 1.92, 0.152, 0.156},  // 19 K
    {0.81, 2.07, 0.17, 0.17},  // 20 Ca
    {0.86, 2.21, 0.19, 0.19},  // 21 Sc
    {0.94, 2.34, 0.24, 0.22},  // 22 Ti
    {1.01, 2.41, 0.26, 0.24},  // 23 V
    {1.08, 2.54, 0.29, 0.27},  // 24 Cr
    {1.16, 2.62, 0.34, 0.32},  // 25 Mn
    {1.25, 2.76, 0.37, 0.36},  // 26 Fe
    {1.33, 2.79, 0.43, 0.43},  // 27 Co
    {1.44, 2.89, 0.52, 0.48},  // 28 Ni
    {1.55, 3.06, 0.62, 0.56},  // 29 Cu
    {1.67, 3.28, 0.72, 0.65},  // 30 Zn
    {1.82, 3.38, 0.83, 0.76},  // 31 Ga
    {1.96, 3.53, 0.95, 0.82},  // 32 Ge
    {2.14, 3.79, 1.03, 0.94},  // 33 As
    {2.33, 3.94, 1.13, 1},  // 34 Se
    {2.52, 4.11, 1.21, 1.08},  // 35 Br
    {2.75, 4.28, 1.31, 1.17},  // 36 Kr
    {2.99, 4.44, 1.43, 1.27},  // 37 Rb
    {3.25, 4.67, 1.54, 1.39},  // 38 Sr
    {3.52, 4.71, 1.65, 1.5},  // 39 Y
    {3.84, 4.78, 1.78, 1.57},  // 40 Zr
    {4.14, 3.94, 1.87, 1.66},  // 41 Nb
    {4.52, 4.25, 1.97, 1.78},  // 42 Mo
    {4.91, 4.36, 2.08, 1.91},  // 43 Tc
    {5.33, 4.58, 2.23, 2},  // 44 Ru
    {5.77, 4.73, 2.35, 2.13},  // 45 Rh
    {6.24, 4.93, 2.43, 2.25},  // 46 Pd
    {6.75, 4.88, 2.57, 2.4},  // 47 Ag
    {7.28, 4.87, 2.62, 2.5},  // 48 Cd
    {7.91, 5, 2.72, 2.65},  // 49 In
    {8.49, 2.97, 2.84, 2.75},  // 50 Sn
    {9.16, 3.13, 3, 2.87},  // 51 Sb
    {9.89, 3.32, 3.12, 2.95},  // 52 Te
    {10.6, 3.46, 3.25, 3.08},  // 53 I
    {11.4, 3.64, 3.4, 3.13},  // 54 Xe
    {12.3, 3.78, 3.51, 3.25},  // 55 Cs
    {13.2, 3.92, 3.57, 3.32},  // 56 Ba
    {14.1, 4.06, 3.68, 3.41},  // 57 La
    {15.1, 4.21, 3.8, 3.48},  // 58 Ce
    {16.2, 4.34, 3.89, 3.6},  // 59 Pr
    {17.3, 4.52, 3.97, 3.65},  // 60 Nd
    {18.5, 4.67, 4.06, 3.75},  // 61 Pm
    {19.7, 4.8, 4.15, 3.86},  // 62 Sm
    {21, 4.91, 4.23, 3.91},  // 63 Eu
    {22.3, 5.05, 4.32, 4.01},  // 64 Gd
    {23.8, 5.19, 4.43, 4.12},  // 65 Tb
    {25.2, 5.25, 4.55, 4.17},  // 66 Dy
    {26.8, 5.33, 4.66, 4.26},  // 67 Ho
    {28.4, 5.43, 4.73, 4.35},  // 68 Er
    {30.1, 5.47, 4.79, 4.48},  // 69 Tm
    {31.9, 5.53, 4.82, 4.6},  // 70 Yb
    {33.7, 5.54, 4.92, 4.68},  // 71 Lu
    {35.7, 5.63, 5.02, 4.8},  // 72 Hf
    {37.7, 5.58, 5.15, 4.88},  // 73 Ta
    {39.9, 5.61, 5.33, 4.98},  // 74 W
    {42.1, 6.18, 5.48, 5.04},  // 75 Re
    {44.4, 7.25, 5.59, 5.16},  // 76 Os
    {46.8, 8.3, 5.69, 5.25},  // 77 Ir
    {49.3, 9.39, 5.86, 5.31},  // 78 Pt
    {52, 10.5, 6, 5.41},  // 79 Au
    {54.6, 11.3, 6.17, 5.5},  // 80 Hg
    {57.4, 12, 6.32, 5.65},  // 81 Tl
    {60.4, 12.2, 6.48, 5.81},  // 82 Pb
    {63.4, 12.4, 6.67, 5.98},  // 83 Bi
    {66.6, 12.6, 6.83, 6.13},  // 84 Po
    {69.8, 12.8, 7.01, 6.29},  // 85 At
    {73.3, 13.1, 7.2, 6.41},  // 86 Rn
    {76.8, 13.3, 7.47, 6.65},  // 87 Fr
    {80.4, 13.4, 7.68, 6.82},  // 88 Ra
    {84.1, 13.6, 7.95, 6.98},  // 89 Ac
    {88, 13.7, 8.18, 7.13},  // 90 Th
    {91.9, 14.3, 8.75, 7.33},  // 91 Pa
    {96.1, 14, 9.32, 7.43},  // 92 U
    {100, 14, 9.91, 7.59},  // 93 Np
    {105, 13.5, 10.5, 7.82},  // 94 Pu
    {109, 13.3, 10.9, 8.04},  // 95 Am
    {114, 13.6, 11.4, 8.26},  // 96 Cm
    {119, 13.8, 11.8, 8.55},  // 97 Bk
    {124, 14, 12.2, 8.75},  // 98 Cf
}};

// FEFF 8.5L's EXAFS grid in k (Å⁻¹), 59 points (docs/scattering_native.md §6).
std::vector<double> exafs_k_grid_invA() {
  std::vector<double> k;
  for (int i = 0; i < 20; ++i) k.push_back(0.1 * i);
  for (int i = 0; i < 20; ++i) k.push_back(2.0 + 0.2 * i);
  for (int i = 0; i < 9; ++i) k.push_back(6.0 + 0.5 * i);
  for (int i = 0; i < 10; ++i) k.push_back(11.0 + 1.0 * i);
  return k;
}

// Spherical Bessel functions j_l, y_l (y_0 = −cos z / z) of complex argument for l = 0..lmax and
// their derivatives: y by upward recurrence, j by Miller's downward recurrence normalised to
// j_0 or j_1 (Abramowitz & Stegun 10.1.19–10.1.22).
void sph_bessel(int lmax, cd z, std::vector<cd>& j, std::vector<cd>& y, std::vector<cd>& dj, std::vector<cd>& dy) {
  const int n = lmax + 2;
  j.assign(n, 0.0);
  y.assign(n, 0.0);
  const cd s = std::sin(z), c = std::cos(z);
  y[0] = -c / z;
  y[1] = -c / (z * z) - s / z;
  for (int l = 1; l + 1 < n; ++l) y[l + 1] = (2.0 * l + 1.0) / z * y[l] - y[l - 1];
  const int top = n + 30 + static_cast<int>(1.5 * std::abs(z));
  cd jp1 = 0.0, jl = 1e-30;
  std::vector<cd> tmp(top + 1);
  tmp[top] = jl;
  for (int l = top; l > 0; --l) {
    const cd jm1 = (2.0 * l + 1.0) / z * jl - jp1;
    jp1 = jl;
    jl = jm1;
    tmp[l - 1] = jl;
    if (std::abs(jl) > 1e250) {
      for (int m = l - 1; m <= top; ++m) tmp[m] *= 1e-250;
      jl *= 1e-250;
      jp1 *= 1e-250;
    }
  }
  const cd j0 = s / z, j1 = s / (z * z) - c / z;
  const cd scale = std::abs(j0) > std::abs(j1) ? j0 / tmp[0] : j1 / tmp[1];
  for (int l = 0; l < n; ++l) j[l] = tmp[l] * scale;
  dj.assign(n - 1, 0.0);
  dy.assign(n - 1, 0.0);
  dj[0] = -j[1];
  dy[0] = -y[1];
  for (int l = 1; l < n - 1; ++l) {
    dj[l] = j[l - 1] - (l + 1.0) / z * j[l];
    dy[l] = y[l - 1] - (l + 1.0) / z * y[l];
  }
}

// Spherical average over the sphere of radius r about a point at distance d of a radial
// function f: (1/(2 r d)) ∫_{|d−r|}^{d+r} f(s) s ds (Loucks, Augmented Plane Wave Method (1967),
// eq. 3.22); `cum` is the cumulative ∫_0^s f(t) t dt on the grid.
double sphere_average(const RadialGrid& g, const std::vector<double>& cum, double r, double d) {
  auto at = [&](double s) {
    if (s <= g.r.front()) return cum.front() * (s / g.r.front());
    if (s >= g.r.back()) return cum.back();
    return g.interpolate(cum, s);
  };
  return (at(d + r) - at(std::abs(d - r))) / (2.0 * r * d);
}

// Volume of the cap of a sphere of radius r1 cut by the radical plane with a sphere r2 at d.
double cap_volume(double r1, double r2, double d) {
  const double h = r1 - (r1 * r1 - r2 * r2 + d * d) / (2.0 * d);
  if (h <= 0) return 0.0;
  return kPi / 3.0 * h * h * (3.0 * r1 - h);
}

struct UniquePotential {
  int z = 0;
  std::size_t model = 0;             // index of the model atom in the cluster
  std::shared_ptr<const Atom> atom;
  std::vector<double> rho, vtot;     // overlapped density and total potential on the grid (to rlim)
  std::vector<double> rho_mid, vtot_mid;  // the same half a step further
  double rnorm = 0, rmt0 = 0, rmt = 0, folp = 1, dmin = 0;  // bohr
  double count = 0;                  // atoms of this potential in the cluster
  int lmax = 0;
};

// Midpoint values (x_i + h/2) by 4-point Lagrange interpolation in x.
std::vector<double> midpoints(const RadialGrid& g, const std::vector<double>& f, std::size_t n) {
  (void)g;
  std::vector<double> m(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t i0 = i == 0 ? 0 : std::min(i - 1, f.size() - 4);
    const double u = static_cast<double>(i) + 0.5 - static_cast<double>(i0);
    double v = 0.0;
    for (int a = 0; a < 4; ++a) {
      double w = 1.0;
      for (int b = 0; b < 4; ++b)
        if (b != a) w *= (u - b) / static_cast<double>(a - b);
      v += w * f[i0 + a];
    }
    m[i] = v;
  }
  return m;
}

}  // namespace

double core_hole_width_eV(int z, Edge edge) {
  if (z < 1 || z > 98) throw InputError("core-hole width: element Z=" + std::to_string(z) + " is outside 1..98");
  const int col = edge == Edge::kK ? 0 : edge == Edge::kL1 ? 1 : edge == Edge::kL2 ? 2 : 3;
  const double w = kCoreWidth[static_cast<std::size_t>(z - 1)][static_cast<std::size_t>(col)];
  if (w <= 0)
    throw InputError("core-hole width: no tabulated width for Z=" + std::to_string(z) + " at the " +
                     feff::edge_name(edge) + " edge (the level is not occupied)");
  return w;
}

std::shared_ptr<const Atom> NativePhaseProvider::atom(const Configuration& config) {
  const std::string key = config.label();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = atoms_.find(key);
    if (it != atoms_.end()) return it->second;
  }
  auto a = std::make_shared<const Atom>(solve_atom(config));
  ++atoms_solved_;
  std::lock_guard<std::mutex> lock(mutex_);
  return atoms_.emplace(key, a).first->second;
}

PhaseShifts NativePhaseProvider::compute(const structure::Structure& structure, std::size_t absorber_site,
                                         const PhaseSettings& settings) {
  return cache_.get_or_compute(structure, absorber_site, settings,
                               [&](const feff::FeffCluster& cluster) { return compute_cluster(cluster, settings); });
}

PhaseShifts NativePhaseProvider::compute_cluster(const feff::FeffCluster& cluster, const PhaseSettings& settings,
                                                 MuffinTinReport* report) {
  const RadialGrid& g = standard_grid();
  const std::size_t nat = cluster.atoms.size();
  const std::size_t npot = cluster.z_of_ipot.size();
  if (nat == 0 || npot == 0) throw InputError("native phase shifts: empty cluster");
  if (settings.exchange < 0 || settings.exchange > 3)
    throw InputError("native phase shifts: EXCHANGE " + std::to_string(settings.exchange) + " is not one of 0..3");
  std::vector<Eigen::Vector3d> pos(nat);
  for (std::size_t i = 0; i < nat; ++i) pos[i] = cluster.atoms[i].position_A * kBohrPerAngstrom;

  // 1. free atoms (docs/scattering_native.md §3): absorber with its core hole, others ground state
  double t0 = cpu_now();
  std::vector<UniquePotential> up(npot);
  for (std::size_t ip = 0; ip < npot; ++ip) {
    up[ip].z = cluster.z_of_ipot[ip];
    up[ip].model = nat;
  }
  for (std::size_t i = 0; i < nat; ++i) {
    const auto ip = static_cast<std::size_t>(cluster.ipot[i]);
    up[ip].count += 1.0;
    if (up[ip].model == nat) up[ip].model = i;  // atoms are sorted by distance: nearest first
  }
  for (std::size_t ip = 0; ip < npot; ++ip) {
    if (up[ip].model == nat) throw InputError("native phase shifts: potential " + std::to_string(ip) + " has no atom");
    up[ip].atom = atom(ip == 0 ? core_hole_configuration(up[ip].z, settings.edge) : ground_configuration(up[ip].z));
  }
  const double atoms_s = cpu_now() - t0;

  // 2. overlapped densities and Coulomb potentials (Mattheiss, Phys. Rev. 133, A1399 (1964))
  t0 = cpu_now();
  std::vector<std::vector<double>> cum_rho(npot), cum_vc(npot);
  for (std::size_t ip = 0; ip < npot; ++ip) {
    std::vector<double> fr(g.n), fv(g.n);
    for (std::size_t i = 0; i < g.n; ++i) {
      fr[i] = up[ip].atom->rho[i] * g.r[i];
      fv[i] = up[ip].atom->vcoul[i] * g.r[i];
    }
    // ∫ f(t) t dt: the grid's cumulative integrates f dr, so pass f·t
    cum_rho[ip] = g.cumulative(fr);
    cum_vc[ip] = g.cumulative(fv);
  }
  const double rlim = 8.0;  // bohr: every Norman and muffin-tin radius lies inside
  const std::size_t nlim = std::min(g.n, g.index_below(rlim) + 3);
  const double dcut = 16.0;  // bohr: neighbours farther away add < 1e-6 e/bohr³ inside rlim
  for (std::size_t ip = 0; ip < npot; ++ip) {
    auto& u = up[ip];
    u.rho.assign(u.atom->rho.begin(), u.atom->rho.begin() + static_cast<long>(nlim));
    std::vector<double> vc(u.atom->vcoul.begin(), u.atom->vcoul.begin() + static_cast<long>(nlim));
    u.dmin = 1e300;
    for (std::size_t n = 0; n < nat; ++n) {
      if (n == u.model) continue;
      const double d = (pos[n] - pos[u.model]).norm();
      if (d < 1e-6) throw InputError("native phase shifts: two atoms at the same position in the cluster");
      u.dmin = std::min(u.dmin, d);
      if (d > dcut) continue;
      const auto jp = static_cast<std::size_t>(cluster.ipot[n]);
      for (std::size_t i = 0; i < nlim; ++i) {
        u.rho[i] += sphere_average(g, cum_rho[jp], g.r[i], d);
        vc[i] += sphere_average(g, cum_vc[jp], g.r[i], d);
      }
    }
    u.vtot.resize(nlim);
    for (std::size_t i = 0; i < nlim; ++i) u.vtot[i] = vc[i] + vxc_vbh(u.rho[i]);
    // Norman radius: the neutral sphere, ∫_0^{r_N} 4π r² ρ_ovl = Z
    std::vector<double> f(g.n, 0.0);
    for (std::size_t i = 0; i < nlim; ++i) f[i] = 4.0 * kPi * g.r[i] * g.r[i] * u.rho[i];
    const auto q = g.cumulative(f);
    u.rnorm = 0;
    for (std::size_t i = 1; i < nlim; ++i)
      if (q[i] >= u.z) {
        const double t = (u.z - q[i - 1]) / (q[i] - q[i - 1]);
        u.rnorm = std::exp(g.x(i - 1) + t * g.h);
        break;
      }
    if (u.rnorm == 0)
      throw PhysicsError("native phase shifts: no Norman radius below " + std::to_string(rlim) + " bohr for potential " +
                         std::to_string(ip) + " (Z=" + std::to_string(u.z) + "); atoms too far apart?");
  }
  // 3. muffin-tin radii: lens-weighted touching radii of the Norman spheres, then the automatic
  //    overlap factor (docs/scattering_native.md §4)
  for (std::size_t ip = 0; ip < npot; ++ip) {
    auto& u = up[ip];
    double num = 0, den = 0;
    for (std::size_t n = 0; n < nat; ++n) {
      if (n == u.model) continue;
      const double d = (pos[n] - pos[u.model]).norm();
      const double rn = up[static_cast<std::size_t>(cluster.ipot[n])].rnorm;
      if (u.rnorm + rn < d) continue;
      const double w = cap_volume(u.rnorm, rn, d) + cap_volume(rn, u.rnorm, d);
      num += w * d * u.rnorm / (u.rnorm + rn);
      den += w;
    }
    u.rmt0 = den > 0 ? num / den : u.rnorm;
    u.folp = std::min({1.15, 0.3 + 0.7 * u.rnorm / u.rmt0, u.dmin / (1.06 * u.rmt0)});
    u.rmt = u.folp * u.rmt0;
    if (u.rmt >= rlim - 0.5) throw PhysicsError("native phase shifts: muffin-tin radius beyond the potential grid");
  }
  // 4. interstitial potential and density, Fermi level (docs/scattering_native.md §4.3).
  //    Overlapping muffin tins: in the outer shells of every sphere the overlapped density (and
  //    potential) is split into "decomposed" parts such that the shell average of the total equals
  //    the own part plus the neighbours' parts in the overlapping fractions of the shell:
  //      f_a(r_i) = d_a(r_i) + Σ_n Σ_j F_{ai,nj} d_n(r_j),  F = V(shell i ∩ shell j of n)/V(shell i),
  //    a linear system over the outer shells of all unique potentials. The muffin-tin charge is the
  //    integral of the decomposed density; the rest of the charge fills the interstitial volume
  //    Σ (4π/3)(r_N³ − r_mt³) + lens caps. The decomposed potential plus V_int replaces V_tot in
  //    the outer shells.
  double vsum = 0, nsum = 0;
  for (std::size_t ip = 0; ip < npot; ++ip) {
    vsum += up[ip].count * g.interpolate(up[ip].vtot, up[ip].rnorm);
    nsum += up[ip].count;
  }
  const double vint = vsum / nsum;
  // The shells of the decomposition are those of FEFF's radial grid, r_i = exp(−8.8 + 0.05 i)
  // (the split depends on the shell thickness; this keeps the interstitial density FEFF's).
  const double dx0 = -8.8, dh = 0.05, ehalf = std::exp(0.5 * dh);
  auto didx = [&](double r) { return static_cast<std::size_t>(std::max(0.0, std::floor((std::log(r) - dx0) / dh))); };
  auto dr = [&](std::size_t i) { return std::exp(dx0 + dh * static_cast<double>(i)); };
  auto shell = [&](const UniquePotential& u, std::size_t i, double& r1, double& r2) {
    const std::size_t imt = didx(u.rmt);
    r1 = dr(i) / ehalf;
    r2 = i == imt ? u.rmt : dr(i) * ehalf;
  };
  auto ball_overlap = [](double a, double b, double d) {
    if (a <= 0 || b <= 0 || a + b <= d) return 0.0;
    if (d <= std::abs(a - b)) return 4.0 * kPi / 3.0 * std::pow(std::min(a, b), 3);
    return cap_volume(a, b, d) + cap_volume(b, a, d);
  };
  auto shell_overlap = [&](double a1, double a2, double b1, double b2, double d) {
    return ball_overlap(a2, b2, d) - ball_overlap(a1, b2, d) - ball_overlap(a2, b1, d) + ball_overlap(a1, b1, d);
  };
  // first overlapping shell of every potential and the unknowns' offsets
  std::vector<std::size_t> ifirst(npot), offset(npot + 1, 0);
  for (std::size_t ip = 0; ip < npot; ++ip) {
    auto& u = up[ip];
    const std::size_t imt = didx(u.rmt);
    std::size_t first = imt + 1;
    for (std::size_t n = 0; n < nat; ++n) {
      if (n == u.model) continue;
      const double d = (pos[n] - pos[u.model]).norm();
      const double rb = up[static_cast<std::size_t>(cluster.ipot[n])].rmt;
      if (u.rmt + rb <= d) continue;
      first = std::min(first, didx(std::max(d - rb, 1e-4)));
    }
    ifirst[ip] = first;
    offset[ip + 1] = offset[ip] + (imt + 1 - first);
  }
  const auto nunk = static_cast<Eigen::Index>(offset[npot]);
  Eigen::MatrixXd mat = Eigen::MatrixXd::Identity(nunk, nunk);
  Eigen::VectorXd brho(nunk);
  for (std::size_t ip = 0; ip < npot; ++ip) {
    const auto& u = up[ip];
    const std::size_t imt = didx(u.rmt);
    for (std::size_t i = ifirst[ip]; i <= imt; ++i) {
      const auto row = static_cast<Eigen::Index>(offset[ip] + i - ifirst[ip]);
      brho(row) = g.interpolate(u.rho, dr(i));
      double a1, a2;
      shell(u, i, a1, a2);
      const double vshell = 4.0 * kPi / 3.0 * (a2 * a2 * a2 - a1 * a1 * a1);
      for (std::size_t n = 0; n < nat; ++n) {
        if (n == u.model) continue;
        const double d = (pos[n] - pos[u.model]).norm();
        const auto jp = static_cast<std::size_t>(cluster.ipot[n]);
        const auto& un = up[jp];
        if (a2 + un.rmt <= d) continue;
        const std::size_t jmt = didx(un.rmt);
        for (std::size_t j = didx(std::max(d - a2, 1e-4)); j <= jmt; ++j) {
          double b1, b2;
          shell(un, j, b1, b2);
          const double f = shell_overlap(a1, a2, b1, b2, d) / vshell;
          if (f <= 0) continue;
          if (j >= ifirst[jp]) {
            mat(row, static_cast<Eigen::Index>(offset[jp] + j - ifirst[jp])) += f;
          } else {  // neighbour shell outside its own overlap zone: its value is known
            brho(row) -= f * g.interpolate(un.rho, dr(j));
          }
        }
      }
    }
  }
  Eigen::VectorXd drho = brho;
  if (nunk > 0) drho = Eigen::PartialPivLU<Eigen::MatrixXd>(mat).solve(brho);
  double qint = 0, volint = 0;
  for (std::size_t ip = 0; ip < npot; ++ip) {
    auto& u = up[ip];
    const std::size_t imt = didx(u.rmt);
    // charge inside the muffin tin: overlapped density below the first decomposed shell, the
    // decomposed density in the shells above
    std::vector<double> f(g.n, 0.0);
    for (std::size_t i = 0; i < nlim; ++i) f[i] = 4.0 * kPi * g.r[i] * g.r[i] * u.rho[i];
    const auto qc = g.cumulative(f);
    double a1, a2;
    shell(u, std::min(ifirst[ip], imt), a1, a2);
    double qmt = g.interpolate(qc, ifirst[ip] <= imt ? a1 : u.rmt);
    for (std::size_t i = ifirst[ip]; i <= imt; ++i) {
      shell(u, i, a1, a2);
      qmt += drho(static_cast<Eigen::Index>(offset[ip] + i - ifirst[ip])) * 4.0 * kPi / 3.0 * (a2 * a2 * a2 - a1 * a1 * a1);
    }
    double vol = 4.0 * kPi / 3.0 * (std::pow(u.rnorm, 3) - std::pow(u.rmt, 3));
    for (std::size_t n = 0; n < nat; ++n) {
      if (n == u.model) continue;
      const double d = (pos[n] - pos[u.model]).norm();
      const double rb = up[static_cast<std::size_t>(cluster.ipot[n])].rmt;
      if (u.rmt + rb > d) vol += cap_volume(u.rmt, rb, d);
    }
    qint += u.count * (u.z - qmt);
    volint += u.count * vol;
  }
  if (volint <= 0) throw PhysicsError("native phase shifts: no interstitial volume (muffin tins fill the Norman spheres)");
  const double rho_int = qint / volint;
  if (!(rho_int > 0)) throw PhysicsError("native phase shifts: non-positive interstitial density");
  const double rs_int = std::cbrt(3.0 / (4.0 * kPi * rho_int));
  const double kf = kKfRs / rs_int;
  const double mu = vint + 0.5 * kf * kf;  // Lee & Beni, PRB 15, 2862 (1977), eq. 2.13
  const double gamma_ch = core_hole_width_eV(up[0].z, settings.edge) * kHartreePerEv;
  const double potential_s = cpu_now() - t0;

  // 5. energy grid, self-energy, phase shifts
  t0 = cpu_now();
  const std::vector<double> kgrid = exafs_k_grid_invA();
  const std::size_t ne = kgrid.size();
  const double vr0 = settings.exchange_vr0_eV * kHartreePerEv, vi0 = settings.exchange_vi0_eV * kHartreePerEv;
  const double edge = mu - vr0;
  const double gloss = std::max(0.5 * gamma_ch + vi0, 0.02 * kHartreePerEv);
  const double kmax = kgrid.back() * kAngstromPerBohr;
  // Δ(E, r): energy-dependent part of the self-energy in the local-density approximation
  // (Hedin–Lundqvist; Rehr & Albers, Rev. Mod. Phys. 72, 621 (2000), eq. 19)
  const int ixc = settings.exchange;
  auto delta_of = [&](double rho, double de) -> cd { return self_energy_shift(hl_, rho, de, ixc); };

  PhaseShifts out;
  out.edge = settings.edge;
  out.l0 = (settings.edge == Edge::kL2 || settings.edge == Edge::kL3) ? 2 : 1;
  out.mu_eV = edge * kEvPerHartree;
  out.kf_invA = kf / kAngstromPerBohr;
  out.vint_eV = vint * kEvPerHartree;
  out.core_hole_width_eV = gamma_ch * kEvPerHartree;
  {  // volume average of the Norman radii over the cluster's atoms, (Σ n_a r_N,a³ / N)^{1/3}
    double r3 = 0;
    for (const auto& u : up) r3 += u.count * u.rnorm * u.rnorm * u.rnorm;
    out.rnorm_avg_A = std::cbrt(r3 / nsum) * kAngstromPerBohr;
  }
  std::vector<cd> eps(ne);
  for (std::size_t ie = 0; ie < ne; ++ie) {
    const double kb = kgrid[ie] * kAngstromPerBohr;
    const double de = edge + 0.5 * kb * kb - mu;  // Re E − μ
    const cd e(edge + 0.5 * kb * kb, gloss);
    const cd eref = vint + delta_of(rho_int, de);
    eps[ie] = e - eref;
    out.k_invA.push_back(kgrid[ie]);
    out.energy_eV.push_back(e.real() * kEvPerHartree);
    out.eref_eV.push_back(eref * kEvPerHartree);
    out.p_invA.push_back(std::sqrt(2.0 * eps[ie]) / kAngstromPerBohr);
  }
  const double inv_2c2 = 0.5 / (kSpeedOfLight * kSpeedOfLight);
  std::vector<cd> jb, yb, djb, dyb;
  for (std::size_t ip = 0; ip < npot; ++ip) {
    auto& u = up[ip];
    u.lmax = std::min(24, std::max(5, static_cast<int>(0.7 * kmax * u.rmt)));
    const std::size_t imt = g.index_below(u.rmt);
    const double xmt = std::log(u.rmt), s_last = xmt - g.x(imt);
    u.rho_mid = midpoints(g, u.rho, imt + 1);
    u.vtot_mid = midpoints(g, u.vtot, imt + 1);
    PotentialPhases pp;
    pp.ipot = static_cast<int>(ip);
    pp.z = u.z;
    pp.lmax = u.lmax;
    pp.delta.assign(ne, std::vector<cd>(static_cast<std::size_t>(u.lmax) + 1, 0.0));
    std::vector<cd> U(imt + 2), Um(imt + 1);
    for (std::size_t ie = 0; ie < ne; ++ie) {
      const double kb = kgrid[ie] * kAngstromPerBohr;
      const double de = edge + 0.5 * kb * kb - mu;
      const cd eref = eps[ie] - cd(edge + 0.5 * kb * kb, gloss);  // −e_ref
      for (std::size_t i = 0; i <= imt + 1; ++i) U[i] = u.vtot[i] + delta_of(u.rho[i], de) + eref;
      for (std::size_t i = 0; i <= imt; ++i) Um[i] = u.vtot_mid[i] + delta_of(u.rho_mid[i], de) + eref;
      // potential at r_mt and half the last partial step (linear in x between grid points)
      const double tl = s_last / g.h;
      const cd umt = U[imt] + tl * (U[imt + 1] - U[imt]);
      const cd uhalf = U[imt] + 0.5 * tl * (U[imt + 1] - U[imt]);
      const cd ek = eps[ie];
      const cd kappa = std::sqrt(2.0 * ek + ek * ek * (2.0 * inv_2c2));  // relativistic wave number
      const cd mout = 1.0 + ek * inv_2c2;
      sph_bessel(u.lmax, kappa * u.rmt, jb, yb, djb, dyb);
      const double zc = u.z / kSpeedOfLight;
      for (int l = 0; l <= u.lmax; ++l) {
        const double ll1 = l * (l + 1.0);
        // start where the irregular admixture has decayed by e^-30 at r_mt
        const double rstart = std::max(g.r.front(), u.rmt * std::exp(-30.0 / (2.0 * l + 1.0)));
        const std::size_t i0 = std::min(g.index_below(rstart), imt);
        const double gm = std::sqrt(std::max(ll1 + 1.0 - zc * zc, 0.25));
        cd p = 1.0;
        cd q = (gm - 1.0) * p / (2.0 * (1.0 + (ek - U[i0]) * inv_2c2) * g.r[i0]);
        for (std::size_t i = i0; i < imt; ++i) {
          rk4_step(g.x(i), g.h, U[i], Um[i], U[i + 1], ek, ll1, inv_2c2, p, q);
          if (std::abs(p) > 1e100) {
            p *= 1e-100;
            q *= 1e-100;
          }
        }
        if (s_last > 1e-12) rk4_step(g.x(imt), s_last, U[imt], uhalf, umt, ek, ll1, inv_2c2, p, q);
        // match to j_l cos δ − y_l sin δ outside (U = 0 there): L = R'/R = 2 M Q / P
        const cd L = 2.0 * mout * q / p;
        const cd tn = (kappa * djb[l] - L * jb[l]) / (kappa * dyb[l] - L * yb[l]);
        pp.delta[ie][static_cast<std::size_t>(l)] = std::atan(tn);
      }
    }
    out.potentials.push_back(std::move(pp));
  }
  const double phases_s = cpu_now() - t0;
  if (report) {
    report->rnorm_A.clear();
    report->rmt_A.clear();
    report->overlap_factor.clear();
    for (const auto& u : up) {
      report->rnorm_A.push_back(u.rnorm * kAngstromPerBohr);
      report->rmt_A.push_back(u.rmt * kAngstromPerBohr);
      report->overlap_factor.push_back(u.folp);
    }
    report->vint_eV = vint * kEvPerHartree;
    report->rs_int = rs_int;
    report->kf_invA = kf / kAngstromPerBohr;
    report->mu_eV = mu * kEvPerHartree;
    report->core_hole_width_eV = gamma_ch * kEvPerHartree;
    report->atoms_s = atoms_s;
    report->potential_s = potential_s;
    report->phases_s = phases_s;
  }
  return out;
}

}  // namespace xasforge::scattering::native
