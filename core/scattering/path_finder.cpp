#include "core/scattering/path_finder.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <numeric>
#include <string>

#include "core/elements/element.hpp"
#include "core/error.hpp"

namespace xasforge::scattering {
namespace {

constexpr int kMaxScatterers = 8;       // FEFF npatx
constexpr double kBlockTolerance = 1e-3;  // FEFF pathsd eps3: length blocks and frame agreement (Å)
constexpr double kFrameEps = 1e-4;      // FEFF mpprmp eps4 (Å)

/// A candidate path: the scatterer sequence (indices into the local atom list) and its length.
struct Candidate {
  double length = 0.0;  // total (closed) path length L
  std::array<std::int32_t, kMaxScatterers> seq{};
  std::int32_t n = 0;  // number of scatterers
};

struct Frame {
  std::array<float, kMaxScatterers> x{}, y{}, z{};
  double hash = 0.0;
};

/// x^n in single precision by binary exponentiation (gfortran's integer power of a REAL).
float powi_f(float x, int n) {
  float result = 1.0f;
  float base = x;
  while (n > 0) {
    if (n & 1) result *= base;
    base *= base;
    n >>= 1;
  }
  return result;
}

/// Index heap sort (Knuth, TAOCP vol. 3, Algorithm H) of keys, ascending. Not stable: FEFF sorts
/// each length block with this algorithm and takes the first path of every equal-hash run as the
/// group's representative, so the same algorithm is used to pick the same representative (it
/// matters only for near-equivalent members of a group in disordered clusters).
std::vector<std::size_t> heapsort_index(const std::vector<double>& key) {
  const std::size_t n = key.size();
  std::vector<std::size_t> idx(n + 1);  // 1-based as in the algorithm description
  for (std::size_t i = 1; i <= n; ++i) idx[i] = i - 1;
  if (n <= 1) return {idx.begin() + 1, idx.end()};
  std::size_t l = n / 2 + 1, r = n;
  while (true) {
    std::size_t rec;  // the record being sifted (H2)
    if (l > 1) {
      --l;
      rec = idx[l];
    } else {
      rec = idx[r];
      idx[r] = idx[1];
      if (--r == 1) {
        idx[1] = rec;
        break;
      }
    }
    const double k = key[rec];
    std::size_t j = l, i = 0;
    while (true) {  // H4..H7: sift down
      i = j;
      j = 2 * j;
      if (j > r) break;
      if (j < r && key[idx[j]] < key[idx[j + 1]]) ++j;
      if (k >= key[idx[j]]) break;
      idx[i] = idx[j];
    }
    idx[i] = rec;  // H8
  }
  return {idx.begin() + 1, idx.end()};
}

/// FEFF phash factors 16.12345678**(j-1) and 8.57654321**(j-1), single precision.
const std::array<double, kMaxScatterers> kPow1 = [] {
  std::array<double, kMaxScatterers> a{};
  for (int j = 0; j < kMaxScatterers; ++j) a[static_cast<std::size_t>(j)] = powi_f(16.12345678f, j);
  return a;
}();
const std::array<double, kMaxScatterers> kPow2 = [] {
  std::array<double, kMaxScatterers> a{};
  for (int j = 0; j < kMaxScatterers; ++j) a[static_cast<std::size_t>(j)] = powi_f(8.57654321f, j);
  return a;
}();

/// Fortran NINT of a REAL (round half away from zero), returned as float.
inline float nint(float x) {
  const double v = static_cast<double>(x);  // exact; v +- 0.5 is exact in double
  return static_cast<float>(static_cast<long long>(v >= 0 ? v + 0.5 : v - 0.5));
}

class Finder {
 public:
  Finder(const std::vector<PathAtom>& atoms, const PlaneWaveTables& tables, const PathFinderOptions& opt)
      : opt_(opt), tables_(tables) {
    if (!(opt.rmax_A > 0.0) || !std::isfinite(opt.rmax_A))
      throw InputError("path finder: rmax must be > 0 Å, got " + std::to_string(opt.rmax_A));
    if (opt.max_legs < 2 || opt.max_legs > kMaxScatterers + 1)
      throw InputError("path finder: max_legs must be 2..9, got " + std::to_string(opt.max_legs));
    if (!(opt.critpw >= 0.0)) throw InputError("path finder: critpw must be >= 0");
    std::size_t ia = atoms.size();
    for (std::size_t i = 0; i < atoms.size(); ++i)
      if (atoms[i].ipot == 0) { ia = i; break; }
    if (ia == atoms.size()) throw InputError("path finder: no absorber (no atom with ipot 0)");
    const Eigen::Vector3d origin = atoms[ia].position_A;
    // FEFF keeps coordinates in single precision (paths.f: rat = real(ratdp)).
    auto to_float = [](const Eigen::Vector3d& v) { return Eigen::Vector3f(float(v.x()), float(v.y()), float(v.z())); };
    const Eigen::Vector3f abs_f = to_float(origin);
    auto add = [&](std::size_t i) {
      const int ip = atoms[i].ipot;
      if (ip < 0 || static_cast<std::size_t>(ip) >= tables_.n_pot)
        throw InputError("path finder: atom " + std::to_string(i) + " has potential " + std::to_string(ip) +
                         " without phase shifts (" + std::to_string(tables_.n_pot) + " potentials given)");
      posf_.push_back(to_float(atoms[i].position_A));
      pos_.push_back(atoms[i].position_A - origin);
      ipot_.push_back(ip);
      z_.push_back(atoms[i].z);
      mass_.push_back(atoms[i].mass_amu > 0 ? atoms[i].mass_amu
                                            : (atoms[i].z > 0 ? elements::element(atoms[i].z).mass_amu : 0.0));
      input_index_.push_back(static_cast<int>(i));
    };
    add(ia);
    for (std::size_t i = 0; i < atoms.size(); ++i) {
      if (i == ia) continue;
      const Eigen::Vector3f d = to_float(atoms[i].position_A) - abs_f;
      const double r = d.cast<double>().norm();
      if (r < 1e-4)
        throw InputError("path finder: atom " + std::to_string(i) + " sits on the absorber (distance " +
                         std::to_string(r) + " Å)");
      if (r <= opt.rmax_A * (1 + 1e-6) + 1e-6) add(i);  // farther atoms cannot be on a path (L >= 2r)
    }
    n_ = posf_.size();
    for (std::size_t i = 0; i < n_; ++i) rel_.push_back((posf_[i] - posf_[0]).cast<double>());
    dist_.resize(n_ * n_);
    for (std::size_t i = 0; i < n_; ++i)
      for (std::size_t j = 0; j < n_; ++j) {
        const Eigen::Vector3f d = posf_[i] - posf_[j];  // single-precision difference, as FEFF
        dist_[i * n_ + j] = d.cast<double>().norm();
      }
    rows_.resize(n_);
    std::vector<double> key;
    for (std::size_t i = 0; i < n_; ++i) {
      auto& row = rows_[i];
      key.resize(n_);
      for (std::size_t j = 0; j < n_; ++j) {
        key[j] = d(i, j) + d(j, 0);
        if (j != i) row.push_back(static_cast<std::int32_t>(j));
      }
      std::sort(row.begin(), row.end(), [&](std::int32_t a, std::int32_t b) {
        return key[static_cast<std::size_t>(a)] < key[static_cast<std::size_t>(b)] ||
               (key[static_cast<std::size_t>(a)] == key[static_cast<std::size_t>(b)] && a < b);
      });
    }
  }

  std::vector<ScatteringPath> run(PathFinderStats* stats) {
    lmax2_ = 2.0 * opt_.rmax_A;
    nsc_max_ = opt_.max_legs - 1;
    Candidate c;
    enumerate(c, 0, 0, 0.0);
    std::stable_sort(cands_.begin(), cands_.end(),
                     [](const Candidate& a, const Candidate& b) { return a.length < b.length; });
    std::vector<ScatteringPath> out;
    std::size_t unique = 0;
    double total_deg = 0;
    double first_nx = -1.0;  // N_1 * X_1 of the first group
    std::vector<std::pair<double, std::size_t>> keyed;
    std::vector<Frame> frames;
    std::vector<double> hashes;
    struct Group {
      std::size_t rep = 0;    // index into block
      std::size_t count = 0;  // degeneracy
    };
    std::vector<Group> groups;
    std::vector<Candidate> block;
    std::size_t b0 = 0;
    while (b0 < cands_.size()) {
      const double lcurr = cands_[b0].length;
      std::size_t b1 = b0 + 1;
      while (b1 < cands_.size() && std::abs(cands_[b1].length - lcurr) < kBlockTolerance) ++b1;
      // standard form (time reversal) and hash of every path of the block
      block.assign(cands_.begin() + static_cast<std::ptrdiff_t>(b0), cands_.begin() + static_cast<std::ptrdiff_t>(b1));
      frames.resize(block.size());
      keyed.clear();
      hashes.resize(block.size());
      for (std::size_t k = 0; k < block.size(); ++k) {
        standard_order(block[k], frames[k]);
        hashes[k] = frames[k].hash;
      }
      for (std::size_t k : heapsort_index(hashes)) keyed.emplace_back(hashes[k], k);
      // equal-hash runs -> groups (representative = first of the run, FEFF's choice)
      groups.clear();
      std::size_t g0 = 0;
      while (g0 < keyed.size()) {
        std::size_t g1 = g0 + 1;
        while (g1 < keyed.size() && keyed[g1].first == keyed[g0].first) ++g1;
        const std::size_t r = keyed[g0].second;
        for (std::size_t m = g0 + 1; m < g1; ++m) check_same(block[r], frames[r], block[keyed[m].second], frames[keyed[m].second]);
        bool merged = false;
        if (opt_.robust_degeneracy) {
          // A group split only by the rounding of a coordinate that sits on a 1e-3 Å rounding
          // boundary (e.g. a rotated or translated crystal) is merged back into the earlier group
          // whose standard frame agrees within FEFF's 1e-3 Å (either orientation).
          for (auto& g : groups) {
            if (same_within_tolerance(block[g.rep], frames[g.rep], block[r])) {
              g.count += g1 - g0;
              merged = true;
              ++merges_;
              break;
            }
          }
        }
        if (!merged) groups.push_back({r, g1 - g0});
        g0 = g1;
      }
      for (const auto& g : groups) {
        const Candidate& rep = block[g.rep];
        const double ndeg = static_cast<double>(g.count);
        ++unique;
        const double x = pw_integral(rep);
        if (first_nx < 0) first_nx = ndeg * x;
        // FEFF: frac = 100*ndeg*xport/(ndegx*xportx) in single precision, kept if frac >= critpw
        const float frac = static_cast<float>(100.0 * ndeg * x / first_nx);
        if (frac >= static_cast<float>(opt_.critpw)) {
          ScatteringPath p = make_path(rep);
          p.degeneracy = ndeg;
          p.reff_block_A = lcurr / 2.0;
          p.pw_importance = 100.0 * ndeg * x / first_nx;
          p.index = static_cast<int>(out.size()) + 1;
          total_deg += ndeg;
          out.push_back(std::move(p));
        }
      }
      b0 = b1;
    }
    if (stats) {
      stats->atoms_used = n_;
      stats->paths_enumerated = cands_.size();
      stats->unique_paths = unique;
      stats->tolerance_merges = merges_;
      stats->paths_kept = out.size();
      stats->total_degeneracy_kept = total_deg;
    }
    return out;
  }

 private:
  double d(std::size_t i, std::size_t j) const { return dist_[i * n_ + j]; }

  /// Depth-first enumeration pruned at L + d(last, 0) > 2 rmax (docs/physics.md (E2.2)).
  void enumerate(Candidate& c, int depth, std::int32_t last, double lprefix) {
    const auto& row = rows_[static_cast<std::size_t>(last)];
    for (std::int32_t j : row) {
      const double leg = d(static_cast<std::size_t>(last), static_cast<std::size_t>(j));
      const double closed = lprefix + leg + d(static_cast<std::size_t>(j), 0);
      if (closed > lmax2_) break;  // rows are sorted by d(last, j) + d(j, 0)
      c.seq[static_cast<std::size_t>(depth)] = j;
      if (j != 0) {
        c.n = depth + 1;
        c.length = closed;
        cands_.push_back(c);
      }
      if (depth + 1 < nsc_max_) enumerate(c, depth + 1, j, lprefix + leg);
    }
  }

  /// FEFF mpprmp (polarization average) + phash for one orientation.
  void frame_of(const std::int32_t* seq, int n, Frame& f) const {
    std::array<Eigen::Vector3d, kMaxScatterers> ri;
    for (int j = 0; j < n; ++j) ri[static_cast<std::size_t>(j)] = rel_[static_cast<std::size_t>(seq[j])];
    const Eigen::Vector3d zvec = ri[0] / ri[0].norm();
    std::array<double, kMaxScatterers> xp{}, yp{}, zp{};
    for (int j = 0; j < n; ++j) zp[static_cast<std::size_t>(j)] = zvec.dot(ri[static_cast<std::size_t>(j)]);
    Eigen::Vector3d xvec = Eigen::Vector3d::Zero(), yvec = Eigen::Vector3d::Zero();
    for (int j = 0; j < n; ++j) {
      const double zz = zp[static_cast<std::size_t>(j)];
      const double ro2 = std::sqrt(std::abs(ri[static_cast<std::size_t>(j)].squaredNorm() - zz * zz));
      if (ro2 >= kFrameEps) {
        xvec = (ri[static_cast<std::size_t>(j)] - zvec * zz) / ro2;
        yvec = zvec.cross(xvec);
        break;
      }
    }
    for (int j = 0; j < n; ++j) {
      xp[static_cast<std::size_t>(j)] = xvec.dot(ri[static_cast<std::size_t>(j)]);
      yp[static_cast<std::size_t>(j)] = yvec.dot(ri[static_cast<std::size_t>(j)]);
    }
    for (int j = 0; j < n; ++j) {
      if (std::abs(yp[static_cast<std::size_t>(j)]) >= kFrameEps) {
        if (yp[static_cast<std::size_t>(j)] < 0)
          for (int k = 0; k < n; ++k) yp[static_cast<std::size_t>(k)] = -yp[static_cast<std::size_t>(k)];
        break;
      }
    }
    double h = 0.0;
    for (int j = 0; j < n; ++j) {
      const auto u = static_cast<std::size_t>(j);
      f.x[u] = static_cast<float>(xp[u]);
      f.y[u] = static_cast<float>(yp[u]);
      f.z[u] = static_cast<float>(zp[u]);
      const float ix = nint(f.x[u] * 1000.0f);
      const float iy = nint(f.y[u] * 1000.0f);
      const float iz = nint(f.z[u] * 1000.0f);
      const float inner = (ix + iy * 0.894375f) + iz * 0.573498f;
      h += kPow1[u] * static_cast<double>(inner);
    }
    for (int j = 0; j < n; ++j)
      h += kPow2[static_cast<std::size_t>(j)] * 1000.0 * ipot_[static_cast<std::size_t>(seq[j])];
    h += n * 40000000.0;
    f.hash = h;
  }

  /// Puts a candidate into FEFF's standard order (time reversal if that lowers the hash).
  void standard_order(Candidate& c, Frame& f) const {
    frame_of(c.seq.data(), c.n, f);
    if (c.n <= 1) return;
    Candidate r = c;
    for (int i = 0; i < c.n; ++i) r.seq[static_cast<std::size_t>(i)] = c.seq[static_cast<std::size_t>(c.n - 1 - i)];
    Frame fr;
    frame_of(r.seq.data(), r.n, fr);
    if (fr.hash < f.hash) {
      c = r;
      f = fr;
    }
  }

  void check_same(const Candidate& a, const Frame& fa, const Candidate& b, const Frame& fb) const {
    bool diff = a.n != b.n;
    for (int i = 0; !diff && i < a.n; ++i) {
      const auto u = static_cast<std::size_t>(i);
      diff = ipot_[static_cast<std::size_t>(a.seq[u])] != ipot_[static_cast<std::size_t>(b.seq[u])] ||
             std::abs(fa.x[u] - fb.x[u]) > kBlockTolerance || std::abs(fa.y[u] - fb.y[u]) > kBlockTolerance ||
             std::abs(fa.z[u] - fb.z[u]) > kBlockTolerance;
    }
    if (diff)
      throw PhysicsError("path finder: two non-degenerate paths hashed to the same key (" + std::to_string(fa.hash) +
                         "); FEFF stops here too ('hash error')");
  }

  /// True if candidate b (in either orientation) has the same length, potentials and standard
  /// frame as a within FEFF's 1e-3 Å tolerance.
  bool same_within_tolerance(const Candidate& a, const Frame& fa, const Candidate& b) const {
    if (a.n != b.n || std::abs(a.length - b.length) >= kBlockTolerance) return false;
    for (int orient = 0; orient < 2; ++orient) {
      Candidate c = b;
      if (orient == 1)
        for (int i = 0; i < b.n; ++i) c.seq[static_cast<std::size_t>(i)] = b.seq[static_cast<std::size_t>(b.n - 1 - i)];
      bool same = true;
      for (int i = 0; same && i < a.n; ++i)
        same = ipot_[static_cast<std::size_t>(a.seq[static_cast<std::size_t>(i)])] ==
               ipot_[static_cast<std::size_t>(c.seq[static_cast<std::size_t>(i)])];
      if (!same) continue;
      Frame fc;
      frame_of(c.seq.data(), c.n, fc);
      for (int i = 0; same && i < a.n; ++i) {
        const auto u = static_cast<std::size_t>(i);
        same = std::abs(fa.x[u] - fc.x[u]) <= kBlockTolerance && std::abs(fa.y[u] - fc.y[u]) <= kBlockTolerance &&
               std::abs(fa.z[u] - fc.z[u]) <= kBlockTolerance;
      }
      if (same) return true;
    }
    return false;
  }

  /// Legs R_1..R_{n+1} and cos β at atoms 1..n and at the absorber (FEFF mrb/dotcos).
  void legs_and_angles(const Candidate& c, std::array<double, kMaxScatterers + 1>& r,
                       std::array<double, kMaxScatterers + 1>& cosb) const {
    const int nleg = c.n + 1;
    auto atom = [&](int j) -> std::size_t {  // j = 0..nleg, 0 and nleg are the absorber
      if (j <= 0 || j >= nleg) return 0;
      return static_cast<std::size_t>(c.seq[static_cast<std::size_t>(j - 1)]);
    };
    for (int leg = 1; leg <= nleg; ++leg) {
      const std::size_t jat = atom(leg), jm1 = atom(leg - 1), jp1 = atom(leg == nleg ? 1 : leg + 1);
      r[static_cast<std::size_t>(leg - 1)] = d(jat, jm1);
      const Eigen::Vector3f a = posf_[jat] - posf_[jm1], b = posf_[jp1] - posf_[jat];
      const double denom = d(jat, jm1) * d(jp1, jat);
      cosb[static_cast<std::size_t>(leg - 1)] = denom > 1e-8 ? a.cast<double>().dot(b.cast<double>()) / denom : 0.0;
    }
  }

  /// X = ∫ |y(E)| d(Re p) over the EXAFS grid (Zabinsky et al. 1995; docs/physics.md (E2.5)).
  double pw_integral(const Candidate& c) const {
    std::array<double, kMaxScatterers + 1> r{}, cosb{};
    legs_and_angles(c, r, cosb);
    const int n = c.n;
    std::array<int, kMaxScatterers + 1> ib{};
    std::array<int, kMaxScatterers> ip{};
    double rtot = 0;
    for (int i = 0; i <= n; ++i) {
      ib[static_cast<std::size_t>(i)] = cos_beta_index(cosb[static_cast<std::size_t>(i)]);
      rtot += r[static_cast<std::size_t>(i)];
    }
    for (int i = 0; i < n; ++i) ip[static_cast<std::size_t>(i)] = ipot_[static_cast<std::size_t>(c.seq[static_cast<std::size_t>(i)])];
    const double cos_abs = std::max(std::abs(static_cast<double>(static_cast<float>(cosb[static_cast<std::size_t>(n)]))), 0.3);
    double x = 0.0, yprev = 0.0, pprev = 0.0;
    for (std::size_t ie = 0; ie < tables_.n_energy; ++ie) {
      const double p = tables_.re_p_invA[ie];
      double y = cos_abs / (r[static_cast<std::size_t>(n)] * p);
      for (int i = 0; i < n; ++i)
        y *= tables_.at(ip[static_cast<std::size_t>(i)], ib[static_cast<std::size_t>(i)], ie) / (r[static_cast<std::size_t>(i)] * p);
      y = std::abs(y * std::exp(-rtot / tables_.lambda_A[ie]));
      if (ie > 0) x += 0.5 * (y + yprev) * (p - pprev);
      yprev = y;
      pprev = p;
    }
    return x;
  }

  ScatteringPath make_path(const Candidate& c) const {
    ScatteringPath p;
    double len = 0;
    Eigen::Vector3d prev = Eigen::Vector3d::Zero();
    for (int i = 0; i < c.n; ++i) {
      const auto a = static_cast<std::size_t>(c.seq[static_cast<std::size_t>(i)]);
      p.scatterers_A.push_back(pos_[a]);
      p.ipot.push_back(ipot_[a]);
      p.z.push_back(z_[a]);
      p.mass_amu.push_back(mass_[a]);
      p.atom_index.push_back(input_index_[a]);
      len += (pos_[a] - prev).norm();
      prev = pos_[a];
    }
    len += prev.norm();
    p.reff_A = len / 2.0;
    return p;
  }

  PathFinderOptions opt_;
  const PlaneWaveTables& tables_;  // owned by the caller, outlives the finder
  std::size_t n_ = 0;
  std::vector<Eigen::Vector3f> posf_;
  std::vector<Eigen::Vector3d> rel_;  // single-precision difference to the absorber, as double
  std::vector<Eigen::Vector3d> pos_;  // relative to the absorber, double precision (output)
  std::vector<int> ipot_, z_, input_index_;
  std::vector<double> mass_;
  std::vector<double> dist_;
  std::vector<std::vector<std::int32_t>> rows_;
  std::vector<Candidate> cands_;
  double lmax2_ = 0;
  std::size_t merges_ = 0;
  int nsc_max_ = 0;
};

}  // namespace

int cos_beta_index(double cos_beta) {
  // FEFF ccrit/outcrt, single precision: n = int(|c|/0.025); n+1 if the remainder > 0.0125
  const float c = static_cast<float>(cos_beta);
  const float tmp = std::abs(c);
  int n = static_cast<int>(tmp / 0.025f);
  const float del = tmp - static_cast<float>(n) * 0.025f;
  if (del > 0.0125f) ++n;
  n = std::min(n, PlaneWaveTables::kNBeta);
  return c < 0 ? -n : n;
}

PlaneWaveTables make_plane_wave_tables(const PhaseShifts& phases) {
  PlaneWaveTables t;
  t.n_energy = phases.p_invA.size();
  t.n_pot = phases.potentials.size();
  if (t.n_energy < 2) throw InputError("path finder: phase shifts have fewer than 2 energies");
  if (t.n_pot == 0) throw InputError("path finder: phase shifts have no potentials");
  t.re_p_invA.resize(t.n_energy);
  t.lambda_A.resize(t.n_energy);
  for (std::size_t ie = 0; ie < t.n_energy; ++ie) {
    t.re_p_invA[ie] = phases.p_invA[ie].real();
    const double im = phases.p_invA[ie].imag();
    t.lambda_A[ie] = std::abs(im) > 1e-16 ? 1.0 / im : 1e10;  // FEFF prcrit (xlam)
  }
  constexpr int nb = PlaneWaveTables::kNBeta;
  t.fbeta.assign(t.n_pot * 81 * t.n_energy, 0.0f);
  // Legendre polynomials on the 81-point cos β grid (ends set exactly to ±1, FEFF prcrit)
  std::size_t lcount = 1;
  for (const auto& pot : phases.potentials)
    for (const auto& dl : pot.delta) lcount = std::max(lcount, dl.size());
  std::vector<double> pl(81 * lcount, 0.0);
  for (int ibeta = -nb; ibeta <= nb; ++ibeta) {
    double x = 0.025 * ibeta;
    if (ibeta == -nb) x = -1.0;
    if (ibeta == nb) x = 1.0;
    double* p = &pl[static_cast<std::size_t>(ibeta + nb) * lcount];
    p[0] = 1.0;
    if (lcount > 1) p[1] = x;
    for (std::size_t l = 2; l < lcount; ++l)
      p[l] = ((2.0 * static_cast<double>(l) - 1.0) * x * p[l - 1] - (static_cast<double>(l) - 1.0) * p[l - 2]) /
             static_cast<double>(l);
  }
  std::vector<double> tre, tim;
  for (std::size_t ip = 0; ip < t.n_pot; ++ip) {
    const auto& pot = phases.potentials[ip];
    if (pot.ipot != static_cast<int>(ip))
      throw InputError("path finder: phase shifts potential " + std::to_string(ip) + " has ipot " + std::to_string(pot.ipot));
    if (pot.delta.size() < t.n_energy)
      throw InputError("path finder: potential " + std::to_string(ip) + " has fewer energies than the grid");
    for (std::size_t ie = 0; ie < t.n_energy; ++ie) {
      const auto& dl = pot.delta[ie];
      // (2l+1) t_l, t_l = (e^{2iδ_l} - 1)/(2i)
      tre.resize(dl.size());
      tim.resize(dl.size());
      for (std::size_t l = 0; l < dl.size(); ++l) {
        const std::complex<double> tl = (2.0 * static_cast<double>(l) + 1.0) *
                                        (std::exp(2.0 * std::complex<double>(0, 1) * dl[l]) - 1.0) /
                                        std::complex<double>(0, 2);
        tre[l] = tl.real();
        tim[l] = tl.imag();
      }
      for (int ibeta = -nb; ibeta <= nb; ++ibeta) {
        const double* p = &pl[static_cast<std::size_t>(ibeta + nb) * lcount];
        double fr = 0.0, fi = 0.0;
        for (std::size_t l = 0; l < dl.size(); ++l) {
          fr += tre[l] * p[l];
          fi += tim[l] * p[l];
        }
        t.fbeta[(ip * 81 + static_cast<std::size_t>(ibeta + nb)) * t.n_energy + ie] =
            static_cast<float>(std::sqrt(fr * fr + fi * fi));
      }
    }
  }
  return t;
}

std::vector<ScatteringPath> find_paths(const std::vector<PathAtom>& atoms, const PhaseShifts& phases,
                                       const PathFinderOptions& options, PathFinderStats* stats) {
  const PlaneWaveTables tables = make_plane_wave_tables(phases);
  return find_paths(atoms, tables, options, stats);
}

std::vector<ScatteringPath> find_paths(const std::vector<PathAtom>& atoms, const PlaneWaveTables& tables,
                                       const PathFinderOptions& options, PathFinderStats* stats) {
  Finder f(atoms, tables, options);
  return f.run(stats);
}

}  // namespace xasforge::scattering
