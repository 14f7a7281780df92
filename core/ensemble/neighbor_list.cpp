#include "core/ensemble/neighbor_list.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.hpp"

namespace xasforge::ensemble {

namespace {

// Cell list over fractional coordinates. Each dimension d has n_d bins of perpendicular width
// w_d / n_d >= rc where possible; the neighbour search visits bin offsets -m_d..m_d with
// m_d = ceil(rc / bin width), mapping an out-of-range bin to (wrapped bin, image shift). Each
// (j, image) pair is visited exactly once, so this also works when rc exceeds the cell.
std::vector<NeighborPair> cell_list_pairs(const MdSystem& s, double rc) {
  const Eigen::Matrix3d& h = s.cell_A;
  const Eigen::Matrix3d inv_t = h.transpose().inverse();
  const double volume = std::abs(h.determinant());
  int n[3];
  int m[3];
  for (int d = 0; d < 3; ++d) {
    const double width = volume / h.row((d + 1) % 3).cross(h.row((d + 2) % 3)).norm();
    n[d] = std::max(1, static_cast<int>(std::floor(width / rc)));
    n[d] = std::min(n[d], 64);
    m[d] = static_cast<int>(std::ceil(rc / (width / n[d])));
  }
  const std::size_t n_atoms = s.size();
  std::vector<Eigen::Vector3d> frac(n_atoms);
  std::vector<std::array<int, 3>> bin(n_atoms);
  std::vector<std::vector<std::size_t>> bins(static_cast<std::size_t>(n[0] * n[1] * n[2]));
  for (std::size_t i = 0; i < n_atoms; ++i) {
    Eigen::Vector3d f = inv_t * s.position_A[i];
    for (int d = 0; d < 3; ++d) {
      f[d] -= std::floor(f[d]);
      bin[i][d] = std::min(n[d] - 1, static_cast<int>(f[d] * n[d]));
    }
    frac[i] = f;
    bins[static_cast<std::size_t>((bin[i][0] * n[1] + bin[i][1]) * n[2] + bin[i][2])].push_back(i);
  }
  const double rc2 = rc * rc;
  std::vector<NeighborPair> pairs;
  for (std::size_t i = 0; i < n_atoms; ++i) {
    // Cartesian position of the wrapped atom and the offset to its unwrapped position.
    const Eigen::Vector3d xi = h.transpose() * frac[i];
    for (int oa = -m[0]; oa <= m[0]; ++oa)
      for (int ob = -m[1]; ob <= m[1]; ++ob)
        for (int oc = -m[2]; oc <= m[2]; ++oc) {
          const int c[3] = {bin[i][0] + oa, bin[i][1] + ob, bin[i][2] + oc};
          int w[3];
          Eigen::Vector3d image;
          for (int d = 0; d < 3; ++d) {
            w[d] = ((c[d] % n[d]) + n[d]) % n[d];
            image[d] = static_cast<double>((c[d] - w[d]) / n[d]);
          }
          const auto& cell = bins[static_cast<std::size_t>((w[0] * n[1] + w[1]) * n[2] + w[2])];
          for (std::size_t j : cell) {
            if (j < i) continue;
            if (j == i) {
              // self-images: keep only lexicographically positive shifts
              if (image.isZero()) continue;
              const bool positive = image[0] > 0 || (image[0] == 0 && (image[1] > 0 || (image[1] == 0 && image[2] > 0)));
              if (!positive) continue;
            }
            const Eigen::Vector3d xj = h.transpose() * (frac[j] + image);
            if ((xj - xi).squaredNorm() > rc2) continue;
            // Express the shift relative to the stored (possibly unwrapped) positions.
            const Eigen::Vector3d shift = xj - xi - (s.position_A[j] - s.position_A[i]);
            pairs.push_back({i, j, shift});
          }
        }
  }
  return pairs;
}

}  // namespace

NeighborList::NeighborList(double cutoff_A, double skin_A) : cutoff_A_(cutoff_A), skin_A_(skin_A) {
  if (!(cutoff_A > 0.0)) throw InputError("neighbour list: cutoff must be > 0 Å, got " + std::to_string(cutoff_A));
  if (!(skin_A >= 0.0)) throw InputError("neighbour list: skin must be >= 0 Å, got " + std::to_string(skin_A));
}

void NeighborList::build(const MdSystem& system) {
  pairs_ = cell_list_pairs(system, cutoff_A_ + skin_A_);
  reference_A_ = system.position_A;
  cell_at_build_A_ = system.cell_A;
  ++n_builds_;
}

bool NeighborList::update(const MdSystem& system) {
  bool stale = reference_A_.size() != system.size() || cell_at_build_A_ != system.cell_A;
  if (!stale) {
    const double limit2 = 0.25 * skin_A_ * skin_A_;
    for (std::size_t i = 0; i < system.size(); ++i)
      if ((system.position_A[i] - reference_A_[i]).squaredNorm() > limit2) {
        stale = true;
        break;
      }
  }
  if (stale) build(system);
  return stale;
}

std::vector<NeighborPair> find_pairs(const MdSystem& system, double cutoff_A) {
  if (!(cutoff_A > 0.0)) throw InputError("find_pairs: cutoff must be > 0 Å");
  return cell_list_pairs(system, cutoff_A);
}

}  // namespace xasforge::ensemble
