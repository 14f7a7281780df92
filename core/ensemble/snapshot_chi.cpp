#include "core/ensemble/snapshot_chi.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <string>
#include <tuple>

#include "core/error.hpp"
#include "core/structure/cluster.hpp"
#include "core/units.hpp"

namespace xasforge::ensemble {

using cd = std::complex<double>;

namespace {
constexpr double kOutStep = 0.05;  // FEFF's output grid step (Å⁻¹)
}  // namespace

std::vector<double> feff_output_k_grid() {
  std::vector<double> k(401);
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = kOutStep * static_cast<double>(i);
  return k;
}

SnapshotChiCalculator::SnapshotChiCalculator(const scattering::PhaseShifts& phases, SnapshotChiOptions options)
    : phases_(&phases), options_(options), k_out_(feff_output_k_grid()) {
  if (!(options_.rmax_A > 0)) throw InputError("average: rmax must be > 0 Å");
  if (options_.max_legs < 2 || options_.max_legs > 5) throw InputError("average: max-legs must be 2..5");
  if (!(options_.cluster_radius_A >= options_.rmax_A))
    throw InputError("average: cluster radius must be >= rmax (" + std::to_string(options_.rmax_A) + " Å)");
  // RehrAlbersCalculator keeps pointers to its leg cache while it evaluates one path and clears
  // the cache when it exceeds leg_cache_bytes, which can invalidate a pointer taken for an
  // earlier leg of the same path. Here the limit is set high and the cache is cleared between
  // absorbers instead (every leg of a disordered snapshot is unique to its absorber anyway).
  scattering::RehrAlbersOptions ra;
  ra.leg_cache_bytes = std::size_t{1} << 31;
  rehr_albers_ = std::make_unique<scattering::RehrAlbersCalculator>(phases, ra);
  ne_ = phases.k_invA.size();
  // the path finder's plane-wave tables depend only on the phase shifts: built once here
  pw_tables_ = std::make_unique<scattering::PlaneWaveTables>(scattering::make_plane_wave_tables(phases));
  if (options_.tabulate_triangles) triangles_ = std::make_shared<TriangleTable>(phases, options_.triangle_grid);
  if (options_.tabulate_single_scattering) {
    ss_table_.resize(phases.potentials.size());
    for (std::size_t ip = 1; ip < phases.potentials.size(); ++ip)
      ss_table_[ip] = std::make_unique<PairChiTable>(phases, static_cast<int>(ip), k_out_, 0.0, 0.5,
                                                     options_.rmax_A + 0.01);
  }
}

void SnapshotChiCalculator::share_triangle_table(const SnapshotChiCalculator& other) {
  if (other.phases_ != phases_) throw InputError("average: calculators sharing a table need the same phase shifts");
  if (triangles_ && other.triangles_ && other.options_.triangle_grid.dr_A == options_.triangle_grid.dr_A &&
      other.options_.triangle_grid.dbeta_rad == options_.triangle_grid.dbeta_rad)
    triangles_ = other.triangles_;
}

int SnapshotChiCalculator::ipot_of(int z) const {
  for (std::size_t ip = 1; ip < phases_->potentials.size(); ++ip)
    if (phases_->potentials[ip].z == z) return static_cast<int>(ip);
  throw InputError("average: no potential for Z = " + std::to_string(z) +
                   " in the phase shifts of the average structure");
}

std::vector<scattering::ScatteringPath> SnapshotChiCalculator::find_paths(const std::vector<Eigen::Vector3d>& pos,
                                                                          const std::vector<int>& z) const {
  // The project's path finder (FEFF pathfinder semantics, docs/physics.md §2: degeneracy classes,
  // FEFF ordering, critpw relative to the first class); no symmetry is used, so it works on the
  // disordered cluster of a snapshot as it is.
  if (pos.empty() || pos.size() != z.size()) throw InputError("average: cluster positions and Z differ in size");
  std::vector<scattering::PathAtom> atoms;
  atoms.reserve(pos.size());
  const double keep_A = options_.rmax_A + 1e-6;  // any atom of a path lies within rmax of the absorber
  for (std::size_t i = 0; i < pos.size(); ++i) {
    if (i > 0 && pos[i].norm() > keep_A) continue;
    atoms.push_back({pos[i], i == 0 ? 0 : ipot_of(z[i]), z[i], 0.0});
  }
  scattering::PathFinderOptions pf;
  pf.rmax_A = options_.rmax_A;
  pf.max_legs = options_.max_legs;
  pf.critpw = options_.critpw_percent;
  return scattering::find_paths(atoms, *pw_tables_, pf);
}

std::vector<double> SnapshotChiCalculator::chi_of_cluster(const std::vector<Eigen::Vector3d>& pos,
                                                          const std::vector<int>& z) {
  const auto paths = find_paths(pos, z);
  rehr_albers_->clear_cache();
  const std::size_t nout = k_out_.size();
  std::vector<cd> total(nout, 0.0);
  std::vector<cd> chit(ne_);
  std::vector<double> amp(ne_), phase(ne_);
  const auto& kg = phases_->k_invA;
  double first_cw = 0.0;
  last_path_count_ = 0;
  std::vector<double> ss_sum(nout, 0.0);
  for (std::size_t ip = 0; ip < paths.size(); ++ip) {
    const auto& path = paths[ip];
    if (ip > 0 && path.scatterers_A.size() == 1 && options_.tabulate_single_scattering) {
      ss_table_[static_cast<std::size_t>(path.ipot[0])]->add(path.scatterers_A[0].norm(), options_.s02 * path.degeneracy, ss_sum);
      ++last_path_count_;
      continue;
    }
    if (triangles_ && ip > 0 && path.scatterers_A.size() == 2)
      triangles_->chi_tilde(path, *rehr_albers_, chit);
    else
      rehr_albers_->chi_tilde(path, chit);
    const double cw = path.degeneracy * rehr_albers_->importance_integral(chit);
    if (ip == 0) first_cw = cw;
    if (100.0 * cw / first_cw < options_.critcw_percent) continue;
    ++last_path_count_;
    // ff2x (docs/physics.md §1.4): A = N S0² |χ̃|, Φ = arg χ̃ unwrapped, interpolated separately.
    for (std::size_t ie = 0; ie < ne_; ++ie) {
      // sqrt(norm): no overflow guard needed for |χ̃| ≪ 1e150, and much cheaper than hypot
      amp[ie] = path.degeneracy * options_.s02 * std::sqrt(std::norm(chit[ie]));
      double ph = std::arg(chit[ie]);
      if (ie > 0) ph += 2 * units::kPi * std::round((phase[ie - 1] - ph) / (2 * units::kPi));
      phase[ie] = ph;
    }
    double reff = 0.0;
    {
      Eigen::Vector3d prev = Eigen::Vector3d::Zero();
      for (const auto& s : path.scatterers_A) {
        reff += (s - prev).norm();
        prev = s;
      }
      reff = 0.5 * (reff + prev.norm());
    }
    // Within one segment of the EXAFS grid the interpolated phase 2k·reff + Φ(k) is linear in k
    // and the output grid is uniform, so e^{iθ} advances by a constant rotation from one output
    // point to the next: one sincos per segment instead of one per output point (the same sum to
    // round-off, ~1e-15 after the few points of a segment).
    std::size_t seg = 0, seg_of_z = static_cast<std::size_t>(-1);
    cd turn(1, 0), rot(1, 0);
    for (std::size_t i = 0; i < nout; ++i) {
      const double k = k_out_[i];
      if (k > kg.back() + 1e-9) break;
      while (seg + 2 < ne_ && kg[seg + 1] < k) ++seg;
      const double dk = kg[seg + 1] - kg[seg];
      const double t = (k - kg[seg]) / dk;
      const double a = amp[seg] + t * (amp[seg + 1] - amp[seg]);
      if (seg != seg_of_z || i == 0) {
        const double slope = (phase[seg + 1] - phase[seg]) / dk;
        turn = std::exp(cd(0, 2 * k * reff + phase[seg] + t * (phase[seg + 1] - phase[seg])));
        rot = std::exp(cd(0, (2 * reff + slope) * kOutStep));
        seg_of_z = seg;
      } else {
        turn *= rot;
      }
      total[i] += a * turn;
    }
  }
  std::vector<double> chi(nout);
  for (std::size_t i = 0; i < nout; ++i) chi[i] = total[i].imag() + ss_sum[i];
  return chi;
}

std::vector<double> SnapshotChiCalculator::chi(const structure::Structure& snapshot, std::size_t absorber) {
  std::vector<Eigen::Vector3d> pos;
  std::vector<int> z;
  if (!snapshot.is_periodic()) {
    const auto cluster = structure::build_cluster(snapshot, absorber, options_.cluster_radius_A);
    pos.reserve(cluster.size());
    for (const auto& a : cluster) {
      pos.push_back(a.position_A);
      z.push_back(a.z);
    }
    return chi_of_cluster(pos, z);
  }
  if (absorber >= snapshot.size())
    throw InputError("average: absorber site " + std::to_string(absorber) + " is out of range (" +
                     std::to_string(snapshot.size()) + " sites)");
  // Atoms within rmax only (no path reaches farther), in build_cluster's order (distance rounded
  // to 1e-5 Å, site, image) and with its arithmetic: d = (x_j − x_a) + L^T n. For site j only the
  // images n with |frac(d)_i| ≤ radius·|b*_i| can lie within the radius (b* the reciprocal
  // vectors), usually one per site, instead of a fixed box of images per site.
  const auto& lat = snapshot.lattice();
  const double radius = options_.rmax_A + 1e-6;
  const double r2max = (radius + 1e-8) * (radius + 1e-8);
  const Eigen::Matrix3d recip = lat.matrix_A().inverse();  // columns: reciprocal vectors
  const Eigen::Matrix3d to_frac = recip.transpose();       // fractional = recip^T · cartesian
  double reach[3];
  for (int i = 0; i < 3; ++i) reach[i] = (radius + 1e-6) * recip.col(i).norm() + 1e-9;
  const Eigen::Vector3d centre = snapshot.site(absorber).cartesian_A;
  struct Entry {
    bool not_absorber;
    long long dist_key;
    std::size_t site;
    int a, b, c;
    Eigen::Vector3d d;
    int z;
  };
  std::vector<Entry> found;
  for (std::size_t j = 0; j < snapshot.size(); ++j) {
    const Eigen::Vector3d base = snapshot.site(j).cartesian_A - centre;
    const Eigen::Vector3d f = to_frac * base;
    int lo[3], hi[3];
    for (int i = 0; i < 3; ++i) {
      lo[i] = static_cast<int>(std::ceil(-f[i] - reach[i]));
      hi[i] = static_cast<int>(std::floor(-f[i] + reach[i]));
    }
    for (int a = lo[0]; a <= hi[0]; ++a)
      for (int b = lo[1]; b <= hi[1]; ++b)
        for (int c = lo[2]; c <= hi[2]; ++c) {
          const Eigen::Vector3d d = base + lat.to_cartesian_A(Eigen::Vector3d(a, b, c));
          if (d.squaredNorm() > r2max) continue;
          const bool is_abs = j == absorber && a == 0 && b == 0 && c == 0;
          found.push_back({!is_abs, std::llround(d.norm() * 1e5), j, a, b, c, d, snapshot.site(j).z});
        }
  }
  std::sort(found.begin(), found.end(), [](const Entry& x, const Entry& y) {
    return std::tie(x.not_absorber, x.dist_key, x.site, x.a, x.b, x.c) <
           std::tie(y.not_absorber, y.dist_key, y.site, y.a, y.b, y.c);
  });
  pos.reserve(found.size());
  z.reserve(found.size());
  for (const auto& e : found) {
    pos.push_back(e.d);
    z.push_back(e.z);
  }
  return chi_of_cluster(pos, z);
}

}  // namespace xasforge::ensemble
