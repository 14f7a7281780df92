#include "core/ensemble/snapshot_chi.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <string>

#include "core/error.hpp"
#include "core/structure/cluster.hpp"
#include "core/units.hpp"

namespace xasforge::ensemble {

using cd = std::complex<double>;

std::vector<double> feff_output_k_grid() {
  std::vector<double> k(401);
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = 0.05 * static_cast<double>(i);
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
  if (options_.tabulate_single_scattering) {
    ss_table_.resize(phases.potentials.size());
    for (std::size_t ip = 1; ip < phases.potentials.size(); ++ip)
      ss_table_[ip] = std::make_unique<PairChiTable>(phases, static_cast<int>(ip), k_out_, 0.0, 0.5,
                                                     options_.rmax_A + 0.01);
  }
  // Plane-wave tables (PHYSICS.md §2.3): f_β = |Σ_l (2l+1) t_l P_l(cos β)|, 81 cos β values.
  const std::size_t np = phases.potentials.size();
  f_beta_.assign(np * ne_ * 81, 0.0);
  for (std::size_t ip = 0; ip < np; ++ip) {
    const auto& pot = phases.potentials[ip];
    for (std::size_t ie = 0; ie < ne_; ++ie) {
      const auto& d = pot.delta[ie];
      for (int ic = 0; ic < 81; ++ic) {
        const double x = ic == 0 ? -1.0 : ic == 80 ? 1.0 : -1.0 + 0.025 * ic;
        double p0 = 1.0, p1 = x;
        cd sum = 0.0;
        for (std::size_t l = 0; l < d.size(); ++l) {
          const double pl = l == 0 ? 1.0 : l == 1 ? x : 0.0;
          double plv = pl;
          if (l >= 2) {
            const double p2 = ((2.0 * l - 1) * x * p1 - (l - 1.0) * p0) / static_cast<double>(l);
            p0 = p1;
            p1 = p2;
            plv = p2;
          }
          const cd t = (std::exp(cd(0, 2) * d[l]) - 1.0) / cd(0, 2);
          sum += (2.0 * l + 1) * t * plv;
        }
        f_beta_[(ip * ne_ + ie) * 81 + static_cast<std::size_t>(ic)] = std::abs(sum);
      }
    }
  }
}

int SnapshotChiCalculator::ipot_of(int z) const {
  for (std::size_t ip = 1; ip < phases_->potentials.size(); ++ip)
    if (phases_->potentials[ip].z == z) return static_cast<int>(ip);
  throw InputError("average: no potential for Z = " + std::to_string(z) +
                   " in the phase shifts of the average structure");
}

double SnapshotChiCalculator::pw_importance(const scattering::ScatteringPath& path) const {
  // PHYSICS.md §2.4 critpw: y(E) = max(|cos β_{n+1}|, 0.3)/(p R_{n+1}) Π_j f_β/(p R_j) e^{−L/λ},
  // X = ∫|y| d(Re p).
  const std::size_t n = path.scatterers_A.size();
  std::vector<Eigen::Vector3d> pts;
  pts.reserve(n + 2);
  pts.emplace_back(Eigen::Vector3d::Zero());
  for (const auto& s : path.scatterers_A) pts.push_back(s);
  pts.emplace_back(Eigen::Vector3d::Zero());
  std::vector<double> legs(n + 1);
  std::vector<Eigen::Vector3d> unit(n + 1);
  double total = 0.0;
  for (std::size_t j = 0; j <= n; ++j) {
    const Eigen::Vector3d d = pts[j + 1] - pts[j];
    legs[j] = d.norm();
    unit[j] = d / legs[j];
    total += legs[j];
  }
  auto cos_index = [](double c) {
    // nearest grid point, round half down of |cos|/0.025, with the sign of cos
    const double a = std::abs(c) / 0.025;
    int m = static_cast<int>(std::ceil(a - 0.5));
    m = std::min(m, 40);
    return c < 0 ? 40 - m : 40 + m;
  };
  std::vector<int> icos(n);
  for (std::size_t j = 0; j < n; ++j) icos[j] = cos_index(unit[j].dot(unit[j + 1]));
  const double cos_last = std::abs(unit[n].dot(unit[0]));
  double integral = 0.0, prev_y = 0.0, prev_p = 0.0;
  for (std::size_t ie = 0; ie < ne_; ++ie) {
    const double p = phases_->p_invA[ie].real();
    const double lambda = 1.0 / phases_->p_invA[ie].imag();
    double y = std::max(cos_last, 0.3) / (p * legs[n]);
    for (std::size_t j = 0; j < n; ++j)
      y *= f_beta_[(static_cast<std::size_t>(path.ipot[j]) * ne_ + ie) * 81 + static_cast<std::size_t>(icos[j])] /
           (p * legs[j]);
    y = std::abs(y * std::exp(-total / lambda));
    if (ie > 0) integral += 0.5 * (y + prev_y) * (p - prev_p);
    prev_y = y;
    prev_p = p;
  }
  return path.degeneracy * integral;
}

std::vector<scattering::ScatteringPath> SnapshotChiCalculator::find_paths(const std::vector<Eigen::Vector3d>& pos,
                                                                          const std::vector<int>& z) const {
  const double lmax = 2.0 * options_.rmax_A;
  // candidates: atoms within rmax of the absorber (any atom of a path obeys 2|a| <= L).
  std::vector<std::size_t> cand;
  for (std::size_t i = 0; i < pos.size(); ++i)
    if (pos[i].norm() <= options_.rmax_A + 1e-9) cand.push_back(i);
  const std::size_t nc = cand.size();
  std::vector<double> dist(nc * nc);
  for (std::size_t a = 0; a < nc; ++a)
    for (std::size_t b = 0; b < nc; ++b) dist[a * nc + b] = (pos[cand[a]] - pos[cand[b]]).norm();
  std::size_t c0 = nc;  // index of the absorber among candidates
  for (std::size_t a = 0; a < nc; ++a)
    if (cand[a] == 0) c0 = a;
  if (c0 == nc) throw InputError("average: cluster has no absorber at index 0");
  struct Found {
    std::vector<std::size_t> seq;
    double length;
  };
  std::vector<Found> found;
  std::vector<std::size_t> seq;
  const int max_scat = options_.max_legs - 1;
  // DFS over sequences, pruned by partial length + return leg (PHYSICS.md §2.2, DFS variant).
  std::function<void(double)> dfs = [&](double len) {
    const std::size_t last = seq.empty() ? c0 : seq.back();
    for (std::size_t nxt = 0; nxt < nc; ++nxt) {
      if (nxt == last) continue;
      const double l1 = len + dist[last * nc + nxt];
      if (l1 + dist[nxt * nc + c0] > lmax + 1e-9) continue;
      seq.push_back(nxt);
      if (nxt != c0) {
        // keep one orientation: a sequence and its reverse are one path with degeneracy 2
        const bool palindrome = std::equal(seq.begin(), seq.end(), seq.rbegin());
        const bool canonical = palindrome || std::lexicographical_compare(seq.begin(), seq.end(), seq.rbegin(), seq.rend());
        if (canonical) found.push_back({seq, l1 + dist[nxt * nc + c0]});
      }
      if (static_cast<int>(seq.size()) < max_scat) dfs(l1);
      seq.pop_back();
    }
  };
  dfs(0.0);
  std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.length < b.length; });
  std::vector<scattering::ScatteringPath> paths;
  double first_importance = 0.0;
  for (const auto& f : found) {
    scattering::ScatteringPath p;
    for (std::size_t c : f.seq) {
      const std::size_t atom = cand[c];
      p.scatterers_A.push_back(pos[atom]);
      p.z.push_back(z[atom]);
      p.ipot.push_back(atom == 0 ? 0 : ipot_of(z[atom]));
      p.mass_amu.push_back(0.0);
    }
    const bool palindrome = std::equal(f.seq.begin(), f.seq.end(), f.seq.rbegin());
    p.degeneracy = palindrome ? 1.0 : 2.0;
    p.reff_A = 0.5 * f.length;
    const double x = pw_importance(p);
    if (paths.empty() && first_importance == 0.0) first_importance = x;
    p.pw_importance = 100.0 * x / first_importance;
    if (p.pw_importance < options_.critpw_percent) continue;
    p.index = static_cast<int>(paths.size()) + 1;
    paths.push_back(std::move(p));
  }
  return paths;
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
    rehr_albers_->chi_tilde(path, chit);
    const double cw = path.degeneracy * rehr_albers_->importance_integral(chit);
    if (ip == 0) first_cw = cw;
    if (100.0 * cw / first_cw < options_.critcw_percent) continue;
    ++last_path_count_;
    // ff2x (PHYSICS.md §1.4): A = N S0² |χ̃|, Φ = arg χ̃ unwrapped, interpolated separately.
    for (std::size_t ie = 0; ie < ne_; ++ie) {
      amp[ie] = path.degeneracy * options_.s02 * std::abs(chit[ie]);
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
    std::size_t seg = 0;
    for (std::size_t i = 0; i < nout; ++i) {
      const double k = k_out_[i];
      if (k > kg.back() + 1e-9) break;
      while (seg + 2 < ne_ && kg[seg + 1] < k) ++seg;
      const double t = (k - kg[seg]) / (kg[seg + 1] - kg[seg]);
      const double a = amp[seg] + t * (amp[seg + 1] - amp[seg]);
      const double f = phase[seg] + t * (phase[seg + 1] - phase[seg]);
      total[i] += a * std::exp(cd(0, 2 * k * reff + f));
    }
  }
  std::vector<double> chi(nout);
  for (std::size_t i = 0; i < nout; ++i) chi[i] = total[i].imag() + ss_sum[i];
  return chi;
}

std::vector<double> SnapshotChiCalculator::chi(const structure::Structure& snapshot, std::size_t absorber) {
  const auto cluster = structure::build_cluster(snapshot, absorber, options_.cluster_radius_A);
  std::vector<Eigen::Vector3d> pos;
  std::vector<int> z;
  pos.reserve(cluster.size());
  for (const auto& a : cluster) {
    pos.push_back(a.position_A);
    z.push_back(a.z);
  }
  return chi_of_cluster(pos, z);
}

}  // namespace xasforge::ensemble
