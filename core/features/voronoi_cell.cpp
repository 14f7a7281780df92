#include "core/features/voronoi_cell.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <voro++/voro++.hh>

namespace xasforge::features {
namespace {
/// Vertices closer than this are one vertex (qhull merges them too).
constexpr double kMergeDistance_A = 1e-9;
}  // namespace

double fan_solid_angle_sr(const std::vector<Eigen::Vector3d>& r) {
  // The order of the terms follows pymatgen's solid_angle() so that exact-zero cases (a
  // degenerate fan triangle) are treated the same way: atan(0) = 0 counts as π.
  double angle = 0.0;
  if (r.size() < 3) return angle;
  const double n0 = r[0].norm();
  for (std::size_t i = 1; i + 1 < r.size(); ++i) {
    const std::size_t j = i + 1;
    const double ni = r[i].norm();
    const double nj = r[j].norm();
    const double tp = std::abs(r[0].dot(r[i].cross(r[j])));
    const double de = n0 * ni * nj + nj * r[0].dot(r[i]) + ni * r[0].dot(r[j]) + n0 * r[i].dot(r[j]);
    double a = 0.0;
    if (de == 0.0)
      a = tp > 0.0 ? 0.5 * std::numbers::pi : -0.5 * std::numbers::pi;
    else
      a = std::atan(tp / de);
    angle += (a > 0.0 ? a : a + std::numbers::pi) * 2.0;
  }
  return angle;
}

std::optional<std::vector<VoronoiFace>> voronoi_cell_faces(const std::vector<Eigen::Vector3d>& neighbors_A) {
  double r_max = 1.0;
  for (const auto& v : neighbors_A) r_max = std::max(r_max, v.norm());
  // A box far larger than any bounded cell these neighbours can make; a face left on a wall of
  // the box means the true cell is unbounded.
  const double half = 1e3 * r_max;
  voro::voronoicell_neighbor cell;
  cell.init(-half, half, -half, half, -half, half);

  // Cut nearest first: far planes then miss the (already small) cell and cost little.
  std::vector<std::size_t> order(neighbors_A.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return neighbors_A[a].squaredNorm() < neighbors_A[b].squaredNorm();
  });
  for (std::size_t i : order) {
    const Eigen::Vector3d& v = neighbors_A[i];
    if (!cell.nplane(v.x(), v.y(), v.z(), v.squaredNorm(), static_cast<int>(i))) return std::nullopt;
  }

  std::vector<int> face_ids;
  std::vector<int> face_vertex_lists;
  std::vector<double> vertex_xyz;
  cell.neighbors(face_ids);
  cell.face_vertices(face_vertex_lists);
  cell.vertices(vertex_xyz);

  // voro++ finds the topology; its vertex coordinates carry round-off of order 1e-16 times the
  // initial box (edges of the big box are cut repeatedly). Recompute every vertex as the exact
  // intersection of three of the bisector planes that meet there (the best-conditioned triple),
  // so the face statistics are accurate to round-off of the cell itself.
  const std::size_t n_vertices = vertex_xyz.size() / 3;
  std::vector<std::vector<int>> planes_at(n_vertices);
  {
    std::size_t p = 0;
    for (int id : face_ids) {
      const int nv = face_vertex_lists[p];
      if (id < 0) return std::nullopt;  // a wall of the initial box: unbounded cell
      for (int k = 0; k < nv; ++k) planes_at[face_vertex_lists[p + 1 + static_cast<std::size_t>(k)]].push_back(id);
      p += static_cast<std::size_t>(nv) + 1;
    }
  }
  for (std::size_t v = 0; v < n_vertices; ++v) {
    const auto& ids = planes_at[v];
    if (ids.size() < 3) continue;
    double best = 0.0;
    Eigen::Matrix3d best_m;
    Eigen::Vector3d best_rhs;
    for (std::size_t a = 0; a < ids.size(); ++a)
      for (std::size_t b = a + 1; b < ids.size(); ++b)
        for (std::size_t c = b + 1; c < ids.size(); ++c) {
          Eigen::Matrix3d m;
          m.row(0) = neighbors_A[static_cast<std::size_t>(ids[a])].normalized();
          m.row(1) = neighbors_A[static_cast<std::size_t>(ids[b])].normalized();
          m.row(2) = neighbors_A[static_cast<std::size_t>(ids[c])].normalized();
          const double det = std::abs(m.determinant());
          if (det > best) {
            best = det;
            best_m = m;
            best_rhs = Eigen::Vector3d(neighbors_A[static_cast<std::size_t>(ids[a])].norm() / 2,
                                       neighbors_A[static_cast<std::size_t>(ids[b])].norm() / 2,
                                       neighbors_A[static_cast<std::size_t>(ids[c])].norm() / 2);
          }
        }
    if (best > 1e-6) {
      const Eigen::Vector3d x = best_m.partialPivLu().solve(best_rhs);
      vertex_xyz[3 * v] = x.x();
      vertex_xyz[3 * v + 1] = x.y();
      vertex_xyz[3 * v + 2] = x.z();
    }
  }

  std::vector<VoronoiFace> faces;
  faces.reserve(face_ids.size());
  std::size_t pos = 0;
  std::vector<Eigen::Vector3d> poly;
  for (int id : face_ids) {
    const int nv = face_vertex_lists[pos];
    poly.clear();
    for (int k = 0; k < nv; ++k) {
      const int vi = face_vertex_lists[pos + 1 + static_cast<std::size_t>(k)];
      poly.emplace_back(vertex_xyz[3 * vi], vertex_xyz[3 * vi + 1], vertex_xyz[3 * vi + 2]);
    }
    pos += static_cast<std::size_t>(nv) + 1;
    // A degenerate vertex (more than three planes within voro++'s tolerance) can leave a face
    // with repeated vertices; qhull merges such vertices and reports no ridge with fewer than
    // three distinct ones, so do the same (a repeated vertex would also make a fan triangle of
    // zero volume, which pymatgen's solid-angle formula counts as 2π).
    std::vector<Eigen::Vector3d> distinct;
    for (const auto& p : poly)
      if (distinct.empty() || (p - distinct.back()).norm() > kMergeDistance_A) distinct.push_back(p);
    while (distinct.size() > 1 && (distinct.front() - distinct.back()).norm() <= kMergeDistance_A) distinct.pop_back();
    if (distinct.size() < 3) continue;
    poly.swap(distinct);
    VoronoiFace f;
    f.neighbor = static_cast<std::size_t>(id);
    f.n_vertices = static_cast<int>(poly.size());
    f.solid_angle_sr = fan_solid_angle_sr(poly);
    double volume = 0.0;
    for (std::size_t k = 1; k + 1 < poly.size(); ++k)
      volume += std::abs(poly[0].dot(poly[k].cross(poly[k + 1]))) / 6.0;
    f.volume_A3 = volume;
    f.face_distance_A = neighbors_A[f.neighbor].norm() / 2.0;
    f.area_A2 = 3.0 * volume / f.face_distance_A;
    faces.push_back(f);
  }
  return faces;
}

}  // namespace xasforge::features
