#pragma once
/// The Voronoi cell of one point among a finite set of neighbours, face by face, with the face
/// statistics pymatgen's VoronoiNN reports (solid angle, pyramid volume, area). Used by CrystalNN.
#include <cstddef>
#include <optional>
#include <vector>

#include <Eigen/Dense>

namespace xasforge::features {

struct VoronoiFace {
  std::size_t neighbor = 0;    ///< index into the neighbour list the cell was built from
  double solid_angle_sr = 0.0; ///< solid angle of the face seen from the centre (sr)
  double volume_A3 = 0.0;      ///< volume of the pyramid centre + face (Å³)
  double area_A2 = 0.0;        ///< face area as pymatgen computes it, 3V/(d/2) (Å²)
  double face_distance_A = 0.0;///< half the centre–neighbour distance (Å)
  int n_vertices = 0;
};

/// Faces of the Voronoi cell of a point at the origin, cut by the perpendicular bisector planes
/// of `neighbors_A` (vectors from the centre, Å; none may be zero). The cell is built by exact
/// half-space clipping (voro++). Returns nullopt when the cell is unbounded (qhull's "infinite
/// vertex"), i.e. the neighbours do not surround the centre.
///
/// Solid angles use the fan decomposition of each face and the tetrahedron formula
/// Ω = 2·atan(|a·(b×c)| / (abc + (a·b)c + (a·c)b + (b·c)a)), a non-positive atan shifted by π,
/// exactly as pymatgen 2022.11's local_env.solid_angle (docs/physics.md §7.1).
std::optional<std::vector<VoronoiFace>> voronoi_cell_faces(const std::vector<Eigen::Vector3d>& neighbors_A);

/// pymatgen's solid angle of a polygon (vertices relative to the apex, in order), see above.
double fan_solid_angle_sr(const std::vector<Eigen::Vector3d>& vertices_A);

}  // namespace xasforge::features
