#include "core/structure/site_orbits.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>

#include <spglib.h>

#include "core/elements/element.hpp"
#include "core/error.hpp"

namespace xasforge::structure {
namespace {

using Vec = Eigen::Vector3d;
using Mat = Eigen::Matrix3d;
using IMat = Eigen::Matrix3i;

/// A cell for the search: basis vectors as the columns of `basis` (Å), fractional positions in
/// [0, 1), species numbered 0..n_types-1.
struct Cell {
  Mat basis;
  std::vector<Vec> x;
  std::vector<int> type;
};

Vec wrapped(Vec v) {
  for (int k = 0; k < 3; ++k) v[k] -= std::floor(v[k]);
  return v;
}

/// Whether fractional positions a and b are closer than symprec (distance to the nearest periodic
/// image by rounding the fractional difference, which is exact for distances far below the cell
/// size in a reduced cell: the same test spglib applies).
bool overlap(const Vec& a, const Vec& b, const Mat& basis, double symprec2) {
  Vec d = a - b;
  for (int k = 0; k < 3; ++k) d[k] -= std::nearbyint(d[k]);
  return (basis * d).squaredNorm() < symprec2;
}

/// The operation x -> W x + t maps every atom onto an atom of its species within symprec; then
/// image[i] is the atom atom i goes to.
bool maps_onto_itself(const Cell& c, const Mat& w, const Vec& t, double symprec2, std::vector<std::size_t>& image) {
  const std::size_t n = c.x.size();
  image.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const Vec y = w * c.x[i] + t;
    bool found = false;
    for (std::size_t k = 0; k < n && !found; ++k)
      if (c.type[k] == c.type[i] && overlap(y, c.x[k], c.basis, symprec2)) {
        image[i] = k;
        found = true;
      }
    if (!found) return false;
  }
  return true;
}

/// The atoms of the species with fewest atoms (the first such species on ties).
std::vector<std::size_t> rarest_species_atoms(const Cell& c) {
  std::map<int, std::size_t> count;
  for (int t : c.type) ++count[t];
  int rare = c.type.front();
  for (const int t : c.type)  // first appearance order, so ties go to the first species listed
    if (count[t] < count[rare]) rare = t;
  std::vector<std::size_t> atoms;
  for (std::size_t i = 0; i < c.x.size(); ++i)
    if (c.type[i] == rare) atoms.push_back(i);
  return atoms;
}

struct UnionFind {
  std::vector<std::size_t> parent;
  explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), std::size_t{0}); }
  std::size_t find(std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  }
  void join(std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

double angle_deg(const Mat& g, int i, int j) {
  return std::acos(std::clamp(g(i, j) / std::sqrt(g(i, i) * g(j, j)), -1.0, 1.0)) * 180.0 / M_PI;
}

/// Whether a set of integer rotations is a finite group: an order a crystallographic point group
/// can have, the identity among them, and closed under products.
bool is_point_group(const std::vector<IMat>& ops) {
  static constexpr std::array<std::size_t, 10> kOrders{1, 2, 3, 4, 6, 8, 12, 16, 24, 48};
  if (std::find(kOrders.begin(), kOrders.end(), ops.size()) == kOrders.end()) return false;
  auto has = [&](const IMat& m) { return std::find(ops.begin(), ops.end(), m) != ops.end(); };
  if (!has(IMat::Identity())) return false;
  for (const auto& a : ops)
    for (const auto& b : ops)
      if (!has(a * b)) return false;
  return true;
}

}  // namespace

std::optional<std::vector<AbsorberClass>> site_orbit_classes(const Structure& s, const SymmetryOptions& options) {
  const std::string where = s.source.empty() ? s.name : s.source;
  if (!s.is_periodic()) throw InputError(where + ": a cluster has no space group");
  if (s.size() == 0) throw InputError(where + ": structure has no sites");
  if (options.angle_tolerance_deg <= 0.0) return std::nullopt;  // spglib's metric-only test: not reproduced
  const double eps = options.symprec_A;
  const double eps2 = eps * eps;
  const std::size_t n = s.size();

  Cell input;
  input.basis = s.lattice().matrix_A().transpose();  // rows are vectors -> columns
  std::map<int, int> type_of_z;
  for (std::size_t i = 0; i < n; ++i) {
    input.x.push_back(wrapped(s.site(i).fractional));
    input.type.push_back(type_of_z.emplace(s.site(i).z, static_cast<int>(type_of_z.size())).first->second);
  }

  // 1. Pure translations: t = x_j - x_i0 over the atoms j of the rarest species.
  const auto rare = rarest_species_atoms(input);
  std::vector<Vec> translations;
  std::vector<std::size_t> image;
  for (const std::size_t j : rare) {
    const Vec t = input.x[j] - input.x[rare.front()];
    if (maps_onto_itself(input, Mat::Identity(), t, eps2, image)) translations.push_back(wrapped(t));
  }
  const std::size_t n_trans = translations.size();  // includes t = 0
  if (n_trans == 0 || n % n_trans != 0) return std::nullopt;

  // 2. The primitive cell: three vectors among the translations and the cell vectors spanning
  //    1/n_trans of the cell; each atom's primitive atom is its class under the translations.
  Cell prim;
  std::vector<std::size_t> prim_of(n, n);
  Mat p_basis = Mat::Identity();  // primitive basis vectors as columns, in input fractions
  if (n_trans == 1) {
    prim = input;
    std::iota(prim_of.begin(), prim_of.end(), std::size_t{0});
  } else {
    std::vector<Vec> cand(translations.begin() + 1, translations.end());
    cand.push_back(Vec::UnitX());
    cand.push_back(Vec::UnitY());
    cand.push_back(Vec::UnitZ());
    Mat p;
    bool found = false;
    for (std::size_t a = 0; a < cand.size() && !found; ++a)
      for (std::size_t b = a + 1; b < cand.size() && !found; ++b)
        for (std::size_t c = b + 1; c < cand.size() && !found; ++c) {
          p.col(0) = cand[a];
          p.col(1) = cand[b];
          p.col(2) = cand[c];
          const double v = std::abs(p.determinant()) * static_cast<double>(n_trans);
          found = v > 0.5 && v < 1.5;
        }
    if (!found) return std::nullopt;
    if (p.determinant() < 0) p.col(0) = -p.col(0);
    p_basis = p;
    const Mat p_inv = p.inverse();
    prim.basis = input.basis * p;
    for (std::size_t i = 0; i < n; ++i) {
      if (prim_of[i] != n) continue;
      const std::size_t index = prim.x.size();
      prim.x.push_back(wrapped(p_inv * input.x[i]));
      prim.type.push_back(input.type[i]);
      std::size_t members = 0;
      for (const auto& t : translations) {
        const Vec y = input.x[i] + t;
        for (std::size_t k = 0; k < n; ++k)
          if (input.type[k] == input.type[i] && overlap(y, input.x[k], input.basis, eps2)) {
            if (prim_of[k] != n && prim_of[k] != index) return std::nullopt;  // ambiguous at this tolerance
            if (prim_of[k] == n) ++members;
            prim_of[k] = index;
            break;
          }
      }
      if (members != n_trans) return std::nullopt;
    }
  }

  // 3. Delaunay-reduced primitive basis (spglib's own reduction), positions in it.
  double lattice[3][3];
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) lattice[r][c] = prim.basis(r, c);
  if (spg_delaunay_reduce(lattice, eps) == 0) return std::nullopt;
  Mat reduced;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) reduced(r, c) = lattice[r][c];
  const Mat q = (prim.basis.inverse() * reduced).array().round().matrix();
  if (std::abs(std::abs(q.determinant()) - 1.0) > 1e-6) return std::nullopt;
  const Mat q_inv = q.inverse().array().round().matrix();
  Cell cell;
  cell.basis = reduced;
  cell.type = prim.type;
  for (const auto& y : prim.x) cell.x.push_back(wrapped(q_inv * y));

  // 4. Lattice point group: W = [v1 v2 v3] over the 26 vectors with entries -1..1, each column
  //    as long as the basis vector it replaces within symprec, angles within angle_tolerance.
  const Mat g = cell.basis.transpose() * cell.basis;
  std::vector<Eigen::Vector3i> axes;
  for (int a = -1; a <= 1; ++a)
    for (int b = -1; b <= 1; ++b)
      for (int c = -1; c <= 1; ++c)
        if (a != 0 || b != 0 || c != 0) axes.emplace_back(a, b, c);
  std::array<std::vector<Eigen::Vector3i>, 3> column_candidates;
  for (int m = 0; m < 3; ++m) {
    const double length = std::sqrt(g(m, m));
    for (const auto& v : axes)
      if (std::abs((cell.basis * v.cast<double>()).norm() - length) <= eps) column_candidates[static_cast<std::size_t>(m)].push_back(v);
  }
  std::vector<IMat> lattice_ops;
  for (const auto& v0 : column_candidates[0])
    for (const auto& v1 : column_candidates[1])
      for (const auto& v2 : column_candidates[2]) {
        IMat w;
        w.col(0) = v0;
        w.col(1) = v1;
        w.col(2) = v2;
        if (std::abs(w.determinant()) != 1) continue;
        const Mat wd = w.cast<double>();
        const Mat gr = wd.transpose() * g * wd;
        bool same = true;
        for (const auto& [i, j] : {std::pair{1, 2}, std::pair{0, 2}, std::pair{0, 1}})
          same = same && std::abs(angle_deg(gr, i, j) - angle_deg(g, i, j)) <= options.angle_tolerance_deg;
        if (same) lattice_ops.push_back(w);
      }
  if (!is_point_group(lattice_ops)) return std::nullopt;

  // 5. Space-group operations: for each W the translation taking the first atom of the rarest
  //    species to one of its species that maps the whole cell; join each atom with its image.
  //    Only operations that map the input cell's lattice onto itself count (a rotation that is
  //    an integer matrix in the input basis): spglib's equivalent_atoms, which pymatgen's classes
  //    are, come from the operations of the cell as given, so sites that only a symmetry of the
  //    primitive cell relates (O at (0,0,z) and (0,1/2,z) of a 1x1x4 perovskite supercell) stay
  //    apart, as they do there.
  const Mat to_input = p_basis * q;  // reduced-primitive fractional -> input fractional
  const Mat from_input = to_input.inverse();
  const auto rare_prim = rarest_species_atoms(cell);
  UnionFind orbits(cell.x.size());
  std::vector<IMat> point_group;
  for (const auto& w : lattice_ops) {
    const Mat wd = w.cast<double>();
    const Mat w_input = to_input * wd * from_input;
    if ((w_input - w_input.array().round().matrix()).cwiseAbs().maxCoeff() > 1e-3) continue;
    const Vec w0 = wd * cell.x[rare_prim.front()];
    for (const std::size_t j : rare_prim) {
      if (!maps_onto_itself(cell, wd, cell.x[j] - w0, eps2, image)) continue;
      for (std::size_t i = 0; i < image.size(); ++i) orbits.join(i, image[i]);
      point_group.push_back(w);
      break;
    }
  }
  if (!is_point_group(point_group)) return std::nullopt;

  // Classes by lowest site, sites ascending: the order of absorber_classes().
  std::vector<AbsorberClass> classes;
  std::map<std::size_t, std::size_t> class_of_orbit;
  for (std::size_t i = 0; i < n; ++i) {
    const auto [it, inserted] = class_of_orbit.emplace(orbits.find(prim_of[i]), classes.size());
    if (inserted) {
      const int z = s.site(i).z;
      classes.push_back({z, std::string(elements::element(z).symbol), {}, '?'});
    }
    classes[it->second].sites.push_back(i);
  }
  return classes;
}

}  // namespace xasforge::structure
