#include "core/ensemble/triangle_table.hpp"

#include <stdexcept>
#include <algorithm>
#include <cmath>
#include <mutex>
#include <string>

#include "core/error.hpp"
#include "core/units.hpp"

namespace xasforge::ensemble {

using cd = std::complex<double>;

namespace {
constexpr long kMaxIndex = 0xFFFF;
std::uint64_t pack(int ipa, int ipb, long i1, long i2, long ib) {
  return (static_cast<std::uint64_t>(ipa & 0xFF) << 56) | (static_cast<std::uint64_t>(ipb & 0xFF) << 48) |
         (static_cast<std::uint64_t>(i1 & kMaxIndex) << 32) | (static_cast<std::uint64_t>(i2 & kMaxIndex) << 16) |
         static_cast<std::uint64_t>(ib & kMaxIndex);
}
}  // namespace

TriangleTable::TriangleTable(const scattering::PhaseShifts& phases, TriangleTableOptions options)
    : phases_(&phases), options_(options), ne_(phases.k_invA.size()) {
  if (!(options_.dr_A > 0) || !(options_.dbeta_rad > 0))
    throw InputError("triangle table: grid steps must be > 0");
  if (ne_ == 0 || phases.p_invA.size() != ne_) throw InputError("triangle table: phase shifts without energy grid");
  if (phases.potentials.size() > 255) throw InputError("triangle table: more than 255 potentials");
  dp_.resize(ne_);
  for (std::size_t ie = 0; ie < ne_; ++ie) dp_[ie] = cd(0, 1) * (phases.p_invA[ie] - phases.k_invA[ie]);
}

const cd* TriangleTable::node(int ipa, int ipb, long i1, long i2, long ib, scattering::RehrAlbersCalculator& ra) {
  const std::uint64_t key = pack(ipa, ipb, i1, i2, ib);
  {
    std::shared_lock lock(mutex_);
    auto it = nodes_.find(key);
    if (it != nodes_.end()) return it->second.data();
  }
  const double r1 = options_.dr_A * static_cast<double>(i1), r2 = options_.dr_A * static_cast<double>(i2);
  const double beta = options_.dbeta_rad * static_cast<double>(ib);
  // planar triangle: a on the x axis, b = a + r2 (cos β, sin β, 0)
  const Eigen::Vector3d a(r1, 0, 0);
  const Eigen::Vector3d b = a + r2 * Eigen::Vector3d(std::cos(beta), std::sin(beta), 0);
  const double r3 = b.norm();
  std::vector<cd> g(ne_, cd(0, 0));
  if (r3 > 1e-3) {
    scattering::ScatteringPath path;
    path.scatterers_A = {a, b};
    path.ipot = {ipa, ipb};
    path.z = {phases_->potentials[static_cast<std::size_t>(ipa)].z, phases_->potentials[static_cast<std::size_t>(ipb)].z};
    path.mass_amu = {0.0, 0.0};
    path.reff_A = 0.5 * (r1 + r2 + r3);
    std::vector<cd> chit(ne_);
    ra.chi_tilde(path, chit);
    const double len = r1 + r2 + r3, prod = r1 * r2 * r3;
    for (std::size_t ie = 0; ie < ne_; ++ie) g[ie] = chit[ie] * std::exp(-dp_[ie] * len) * prod;
  }
  std::unique_lock lock(mutex_);
  return nodes_.emplace(key, std::move(g)).first->second.data();  // another thread's node wins a tie
}

void TriangleTable::chi_tilde(const scattering::ScatteringPath& path, scattering::RehrAlbersCalculator& ra,
                              std::span<cd> out) {
  if (path.scatterers_A.size() != 2 || path.ipot.size() != 2)
    throw InputError("triangle table: the path must have exactly two scatterers");
  if (out.size() != ne_) throw std::logic_error("triangle table: output size differs from the energy grid");
  const Eigen::Vector3d& a = path.scatterers_A[0];
  const Eigen::Vector3d d = path.scatterers_A[1] - a;
  const double r1 = a.norm(), r2 = d.norm(), r3 = path.scatterers_A[1].norm();
  const double cb = std::clamp(a.dot(d) / (r1 * r2), -1.0, 1.0);
  const double beta = std::acos(cb);
  const double x1 = r1 / options_.dr_A, x2 = r2 / options_.dr_A, xb = beta / options_.dbeta_rad;
  const long i1 = static_cast<long>(std::floor(x1)), i2 = static_cast<long>(std::floor(x2)),
             ib = static_cast<long>(std::floor(xb));
  if (i1 + 1 > kMaxIndex || i2 + 1 > kMaxIndex || ib + 1 > kMaxIndex)
    throw InputError("triangle table: leg longer than the table's index range");
  const double t1 = x1 - static_cast<double>(i1), t2 = x2 - static_cast<double>(i2), tb = xb - static_cast<double>(ib);
  const int ipa = path.ipot[0], ipb = path.ipot[1];
  std::fill(out.begin(), out.end(), cd(0, 0));
  for (int c = 0; c < 8; ++c) {
    const int u = c & 1, v = (c >> 1) & 1, w = (c >> 2) & 1;
    const double wt = (u ? t1 : 1 - t1) * (v ? t2 : 1 - t2) * (w ? tb : 1 - tb);
    if (wt == 0.0) continue;
    const cd* g = node(ipa, ipb, i1 + u, i2 + v, ib + w, ra);
    for (std::size_t ie = 0; ie < ne_; ++ie) out[ie] += wt * g[ie];
  }
  const double len = r1 + r2 + r3, inv_prod = 1.0 / (r1 * r2 * r3);
  for (std::size_t ie = 0; ie < ne_; ++ie) out[ie] *= std::exp(dp_[ie] * len) * inv_prod;
}

}  // namespace xasforge::ensemble
