// Force constants (UFF) and the dynamical matrix of a cluster (docs/debye_waller.md).
#include "core/scattering/force_constants.hpp"

#include <stdexcept>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "core/elements/element.hpp"
#include "core/error.hpp"
#include "core/units.hpp"

namespace xasforge::scattering {

namespace {

// UFF parameters, one atom type per element: Rappé, Casewit, Colwell, Goddard & Skiff, JACS 114,
// 10024 (1992), Table 1 (r_I, θ₀, Z*_I, χ_I). The numbers are the published data (as distributed
// with the open-source UFF implementations of RDKit and Open Babel, BSD/GPL; data, not code). Where
// UFF has several types of an element, the one for the common coordination of that element in
// inorganic solids is taken (O_3, C_3, N_3, S_3+2 (sulfides), P_3+5, Ti6+4, Fe6+2, Mo6+6, W_6+6).
constexpr std::array<UffAtomType, 96> kUff = {{
    {1, "H_", 0.354, 180.0, 0.712, 4.528},      {2, "He4+4", 0.849, 90.0, 0.098, 9.66},
    {3, "Li", 1.336, 180.0, 1.026, 3.006},      {4, "Be3+2", 1.074, 109.47, 1.565, 4.877},
    {5, "B_3", 0.838, 109.47, 1.755, 5.11},     {6, "C_3", 0.757, 109.47, 1.912, 5.343},
    {7, "N_3", 0.700, 106.7, 2.544, 6.899},     {8, "O_3", 0.658, 104.51, 2.300, 8.741},
    {9, "F_", 0.668, 180.0, 1.735, 10.874},     {10, "Ne4+4", 0.920, 90.0, 0.194, 11.04},
    {11, "Na", 1.539, 180.0, 1.081, 2.843},     {12, "Mg3+2", 1.421, 109.47, 1.787, 3.951},
    {13, "Al3", 1.244, 109.47, 1.792, 4.06},    {14, "Si3", 1.117, 109.47, 2.323, 4.168},
    {15, "P_3+5", 1.056, 109.47, 2.863, 5.463}, {16, "S_3+2", 1.064, 92.1, 2.703, 6.928},
    {17, "Cl", 1.044, 180.0, 2.348, 8.564},     {18, "Ar4+4", 1.032, 90.0, 0.300, 9.465},
    {19, "K_", 1.953, 180.0, 1.165, 2.421},     {20, "Ca6+2", 1.761, 90.0, 2.141, 3.231},
    {21, "Sc3+3", 1.513, 109.47, 2.592, 3.395}, {22, "Ti6+4", 1.412, 90.0, 2.659, 3.47},
    {23, "V_3+5", 1.402, 109.47, 2.679, 3.65},  {24, "Cr6+3", 1.345, 90.0, 2.463, 3.415},
    {25, "Mn6+2", 1.382, 90.0, 2.430, 3.325},   {26, "Fe6+2", 1.335, 90.0, 2.430, 3.76},
    {27, "Co6+3", 1.241, 90.0, 2.430, 4.105},   {28, "Ni4+2", 1.164, 90.0, 2.430, 4.465},
    {29, "Cu3+1", 1.302, 109.47, 1.756, 4.2},   {30, "Zn3+2", 1.193, 109.47, 1.308, 5.106},
    {31, "Ga3+3", 1.260, 109.47, 1.821, 3.641}, {32, "Ge3", 1.197, 109.47, 2.789, 4.051},
    {33, "As3+3", 1.211, 92.1, 2.864, 5.188},   {34, "Se3+2", 1.190, 90.6, 2.764, 6.428},
    {35, "Br", 1.192, 180.0, 2.519, 7.79},      {36, "Kr4+4", 1.147, 90.0, 0.452, 8.505},
    {37, "Rb", 2.260, 180.0, 1.592, 2.331},     {38, "Sr6+2", 2.052, 90.0, 2.449, 3.024},
    {39, "Y_3+3", 1.698, 109.47, 3.257, 3.83},  {40, "Zr3+4", 1.564, 109.47, 3.667, 3.4},
    {41, "Nb3+5", 1.473, 109.47, 3.618, 3.55},  {42, "Mo6+6", 1.467, 90.0, 3.402, 3.465},
    {43, "Tc6+5", 1.322, 90.0, 3.402, 3.29},    {44, "Ru6+2", 1.478, 90.0, 3.402, 3.575},
    {45, "Rh6+3", 1.332, 90.0, 3.508, 3.975},   {46, "Pd4+2", 1.338, 90.0, 3.208, 4.32},
    {47, "Ag1+1", 1.386, 180.0, 1.956, 4.436},  {48, "Cd3+2", 1.403, 109.47, 1.653, 5.034},
    {49, "In3+3", 1.459, 109.47, 2.070, 3.506}, {50, "Sn3", 1.398, 109.47, 2.961, 3.987},
    {51, "Sb3+3", 1.407, 91.6, 2.704, 4.899},   {52, "Te3+2", 1.386, 90.25, 2.882, 5.816},
    {53, "I_", 1.382, 180.0, 2.654, 6.822},     {54, "Xe4+4", 1.267, 90.0, 0.556, 7.595},
    {55, "Cs", 2.570, 180.0, 1.573, 2.183},     {56, "Ba6+2", 2.277, 90.0, 2.727, 2.814},
    {57, "La3+3", 1.943, 109.47, 3.305, 2.8355},{58, "Ce6+3", 1.841, 90.0, 3.305, 2.774},
    {59, "Pr6+3", 1.823, 90.0, 3.305, 2.858},   {60, "Nd6+3", 1.816, 90.0, 3.305, 2.8685},
    {61, "Pm6+3", 1.801, 90.0, 3.305, 2.881},   {62, "Sm6+3", 1.780, 90.0, 3.305, 2.9115},
    {63, "Eu6+3", 1.771, 90.0, 3.305, 2.8785},  {64, "Gd6+3", 1.735, 90.0, 3.305, 3.1665},
    {65, "Tb6+3", 1.732, 90.0, 3.305, 3.018},   {66, "Dy6+3", 1.710, 90.0, 3.305, 3.0555},
    {67, "Ho6+3", 1.696, 90.0, 3.416, 3.127},   {68, "Er6+3", 1.673, 90.0, 3.305, 3.1865},
    {69, "Tm6+3", 1.660, 90.0, 3.305, 3.2514},  {70, "Yb6+3", 1.637, 90.0, 2.618, 3.2889},
    {71, "Lu6+3", 1.671, 90.0, 3.271, 2.9629},  {72, "Hf3+4", 1.611, 109.47, 3.921, 3.7},
    {73, "Ta3+5", 1.511, 109.47, 4.075, 5.1},   {74, "W_6+6", 1.392, 90.0, 3.694, 4.63},
    {75, "Re6+5", 1.372, 90.0, 3.694, 3.96},    {76, "Os6+6", 1.372, 90.0, 3.694, 5.14},
    {77, "Ir6+3", 1.371, 90.0, 3.731, 5.0},     {78, "Pt4+2", 1.364, 90.0, 3.382, 4.79},
    {79, "Au4+3", 1.262, 90.0, 2.626, 4.894},   {80, "Hg1+2", 1.340, 180.0, 1.750, 6.27},
    {81, "Tl3+3", 1.518, 120.0, 2.069, 3.2},    {82, "Pb3", 1.459, 109.47, 2.846, 3.9},
    {83, "Bi3+3", 1.512, 90.0, 2.470, 4.69},    {84, "Po3+2", 1.500, 90.0, 2.333, 4.21},
    {85, "At", 1.545, 180.0, 2.236, 4.75},      {86, "Rn4+4", 1.420, 90.0, 0.583, 5.37},
    {87, "Fr", 2.880, 180.0, 1.847, 2.0},       {88, "Ra6+2", 2.512, 90.0, 2.916, 2.843},
    {89, "Ac6+3", 1.983, 90.0, 3.888, 2.835},   {90, "Th6+4", 1.721, 90.0, 4.202, 3.175},
    {91, "Pa6+4", 1.711, 90.0, 3.888, 2.985},   {92, "U_6+4", 1.684, 90.0, 3.888, 3.341},
    {93, "Np6+4", 1.666, 90.0, 3.888, 3.549},   {94, "Pu6+4", 1.657, 90.0, 3.888, 3.243},
    {95, "Am6+4", 1.660, 90.0, 3.888, 2.9895},  {96, "Cm6+3", 1.801, 90.0, 3.888, 2.8315},
}};

// 2 × 332.06 kcal mol⁻¹ Å e⁻² (Rappé et al. 1992, Eqs. 6 and 13).
constexpr double kUffG2 = 664.12;
// 1 kcal mol⁻¹ Å⁻² = 4184 J / N_A / 10⁻²⁰ m² = 0.694770 N/m; the same factor turns kcal mol⁻¹ rad⁻²
// into (N/m)·Å² = 10⁻²⁰ J rad⁻².
constexpr double kKcalMolA2ToNm = 4184.0 / 6.022140857e23 / 1e-20;

}  // namespace

const UffAtomType& uff_atom_type(int z) {
  if (z < 1 || z > static_cast<int>(kUff.size())) {
    throw InputError("force constants: no UFF atom type for atomic number " + std::to_string(z));
  }
  return kUff[static_cast<std::size_t>(z - 1)];
}

double uff_stretch_N_per_m(int zi, int zj, double r_A) {
  if (!(r_A > 0.0)) throw InputError("force constants: bond length must be > 0");
  const double k = kUffG2 * uff_atom_type(zi).zeff * uff_atom_type(zj).zeff / (r_A * r_A * r_A);
  return k * kKcalMolA2ToNm;
}

double uff_bend_Nm_A2(int zi, int zj, int zk, double rij, double rjk) {
  const double c0 = std::cos(uff_atom_type(zj).theta0_deg * units::kPi / 180.0);
  const double rik2 = rij * rij + rjk * rjk - 2.0 * rij * rjk * c0;
  const double rik = std::sqrt(rik2);
  const double inner = 3.0 * rij * rjk * (1.0 - c0 * c0) - rik2 * c0;
  const double k = kUffG2 * uff_atom_type(zi).zeff * uff_atom_type(zk).zeff / std::pow(rik, 5) * inner;
  return k * kKcalMolA2ToNm;
}

SpringNetwork uff_spring_network(const std::vector<Eigen::Vector3d>& pos, const std::vector<int>& z,
                                 const std::vector<double>& mass, const ForceConstantOptions& options) {
  const std::size_t n = pos.size();
  if (z.size() != n || mass.size() != n) throw std::logic_error("force constants: positions, elements and masses differ in length");
  if (!(options.scale > 0.0)) throw InputError("force constants: scale must be > 0");
  if (!(options.bond_tolerance >= 1.0)) throw InputError("force constants: bond tolerance must be ≥ 1");
  SpringNetwork net;
  net.position_A = pos;
  net.z = z;
  net.mass_amu = mass;
  for (std::size_t i = 0; i < n; ++i) {
    (void)uff_atom_type(z[i]);
    if (!(mass[i] > 0.0)) throw InputError("force constants: atom " + std::to_string(i) + " has mass ≤ 0");
  }
  // Nearest-neighbour distance of every atom.
  std::vector<double> nn(n, std::numeric_limits<double>::infinity());
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double d = (pos[i] - pos[j]).norm();
      if (d < 0.1) {
        throw InputError("force constants: atoms " + std::to_string(i) + " and " + std::to_string(j) + " are " +
                         std::to_string(d) + " Å apart");
      }
      nn[i] = std::min(nn[i], d);
      nn[j] = std::min(nn[j], d);
    }
  }
  std::vector<std::vector<int>> bonded(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double d = (pos[i] - pos[j]).norm();
      if (d <= options.bond_tolerance * std::max(nn[i], nn[j]) + 1e-9) {
        net.stretches.push_back({static_cast<int>(i), static_cast<int>(j), options.scale * uff_stretch_N_per_m(z[i], z[j], d)});
        bonded[i].push_back(static_cast<int>(j));
        bonded[j].push_back(static_cast<int>(i));
      }
    }
  }
  const double cos_max = std::cos(options.max_bend_angle_deg * units::kPi / 180.0);
  for (std::size_t j = 0; j < n; ++j) {
    const auto& nb = bonded[j];
    for (std::size_t a = 0; a < nb.size(); ++a) {
      for (std::size_t b = a + 1; b < nb.size(); ++b) {
        const int i = nb[a], k = nb[b];
        const Eigen::Vector3d u = pos[static_cast<std::size_t>(i)] - pos[j], v = pos[static_cast<std::size_t>(k)] - pos[j];
        const double c = u.dot(v) / (u.norm() * v.norm());
        if (c < cos_max) continue;  // nearly linear
        net.bends.push_back({i, static_cast<int>(j), k,
                             options.scale * uff_bend_Nm_A2(z[static_cast<std::size_t>(i)], z[j], z[static_cast<std::size_t>(k)], u.norm(), v.norm())});
      }
    }
  }
  return net;
}

Eigen::SparseMatrix<double> force_constant_matrix(const SpringNetwork& net) {
  const std::size_t n = net.position_A.size();
  std::vector<Eigen::Triplet<double>> trip;
  trip.reserve(36 * net.stretches.size() + 81 * net.bends.size());
  // Adds k g gᵀ for an internal coordinate with gradient blocks g_a (3-vectors) on atoms idx[a].
  auto add = [&trip](double k, const int* idx, const Eigen::Vector3d* g, int m) {
    for (int a = 0; a < m; ++a) {
      for (int b = 0; b < m; ++b) {
        const Eigen::Matrix3d blk = k * g[a] * g[b].transpose();
        for (int r = 0; r < 3; ++r) {
          for (int c = 0; c < 3; ++c) trip.emplace_back(3 * idx[a] + r, 3 * idx[b] + c, blk(r, c));
        }
      }
    }
  };
  for (const auto& s : net.stretches) {
    const auto si = static_cast<std::size_t>(s.i), sj = static_cast<std::size_t>(s.j);
    if (si >= n || sj >= n || si == sj) throw InputError("force constants: stretch " + std::to_string(s.i) + "–" + std::to_string(s.j) + " names no pair of atoms");
    // Δr = ê·(u_j − u_i), ê from i to j (Poiarkova & Rehr 1999, Eq. 9).
    const Eigen::Vector3d e = (net.position_A[sj] - net.position_A[si]).normalized();
    const int idx[2] = {s.i, s.j};
    const Eigen::Vector3d g[2] = {-e, e};
    add(s.k_N_per_m, idx, g, 2);
  }
  for (const auto& bd : net.bends) {
    const auto bi = static_cast<std::size_t>(bd.i), bj = static_cast<std::size_t>(bd.j), bk = static_cast<std::size_t>(bd.k);
    if (bi >= n || bj >= n || bk >= n) throw InputError("force constants: bend names an atom outside the cluster");
    // Wilson's s-vectors of the angle i–j–k (Wilson, Decius & Cross 1955, Eq. 4-21).
    const Eigen::Vector3d dji = net.position_A[bi] - net.position_A[bj], djk = net.position_A[bk] - net.position_A[bj];
    const double rji = dji.norm(), rjk = djk.norm();
    const Eigen::Vector3d eji = dji / rji, ejk = djk / rjk;
    const double c = std::clamp(eji.dot(ejk), -1.0, 1.0), s = std::sqrt(1.0 - c * c);
    if (s < 1e-6) throw InputError("force constants: bend " + std::to_string(bd.i) + "–" + std::to_string(bd.j) + "–" + std::to_string(bd.k) + " is linear");
    const Eigen::Vector3d si = (c * eji - ejk) / (rji * s);
    const Eigen::Vector3d sk = (c * ejk - eji) / (rjk * s);
    const int idx[3] = {bd.i, bd.j, bd.k};
    const Eigen::Vector3d g[3] = {si, -si - sk, sk};
    add(bd.k_Nm_A2, idx, g, 3);
  }
  Eigen::SparseMatrix<double> phi(static_cast<Eigen::Index>(3 * n), static_cast<Eigen::Index>(3 * n));
  phi.setFromTriplets(trip.begin(), trip.end());
  return phi;
}

Eigen::SparseMatrix<double> dynamical_matrix(const SpringNetwork& net) {
  Eigen::SparseMatrix<double> d = force_constant_matrix(net);
  std::vector<double> w(3 * net.mass_amu.size());
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = 1.0 / std::sqrt(net.mass_amu[i / 3]);
  for (Eigen::Index c = 0; c < d.outerSize(); ++c) {
    for (Eigen::SparseMatrix<double>::InnerIterator it(d, c); it; ++it) {
      it.valueRef() *= w[static_cast<std::size_t>(it.row())] * w[static_cast<std::size_t>(it.col())];
    }
  }
  return d;
}

}  // namespace xasforge::scattering
