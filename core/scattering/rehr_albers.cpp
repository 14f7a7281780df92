// Rehr–Albers curved-wave F_eff (Rehr & Albers, PRB 41, 8139 (1990); docs/physics.md §3,
// equations (E3.1)–(E3.12)). Every step below cites the subsection
// whose formula it implements; the notation (λ = (μ, ν), c̃, γ, γ̃, η, laml0x) is docs/physics.md's.
#include "core/scattering/rehr_albers.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "core/error.hpp"
#include "core/scattering/angular_algebra.hpp"
#include "core/scattering/rehr_albers_kernels.hpp"
#include "core/units.hpp"

namespace xasforge::scattering {

using namespace kernels;  // kLanes, job structs and the dispatching kernels

namespace {

using cplx = std::complex<double>;
constexpr double kPi = units::kPi;

// Spherical angles of a vector in FEFF's `trig` convention (§3.1): θ = 0 for a null vector;
// φ = 0 on the +z axis and π on the −z axis.
struct Spherical {
  double ct = 1.0, st = 0.0, cp = 1.0, sp = 0.0;
};

Spherical spherical(const Eigen::Vector3d& v) {
  constexpr double kEps = 1e-6;
  Spherical s;
  const double r = v.norm();
  const double rxy = std::hypot(v.x(), v.y());
  if (r >= kEps) {
    s.ct = v.z() / r;
    s.st = rxy / r;
  }
  if (rxy < kEps) {
    s.cp = s.ct < 0.0 ? -1.0 : 1.0;
    s.sp = 0.0;
  } else {
    s.cp = v.x() / rxy;
    s.sp = v.y() / rxy;
  }
  return s;
}

// λ set of §3.6: ν = 0,1,…; |μ| = 0,1,… while 2ν+|μ| ≤ order (|μ| ≤ mmax, ν ≤ nmax); (−|μ|,ν)
// before (+|μ|,ν); then the members with ν ≤ l0 and |μ| ≤ l0 moved (stably) to the front.
template <class Lambda>
std::vector<Lambda> lambda_set(int order, int mmax, int nmax, int l0, int& laml0) {
  std::vector<Lambda> all;
  for (int nu = 0; nu <= nmax; ++nu) {
    for (int am = 0; am <= mmax && 2 * nu + am <= order; ++am) {
      if (am == 0) {
        all.push_back({0, nu});
      } else {
        all.push_back({-am, nu});
        all.push_back({am, nu});
      }
    }
  }
  std::stable_partition(all.begin(), all.end(),
                        [l0](const Lambda& x) { return x.nu <= l0 && std::abs(x.mu) <= l0; });
  laml0 = static_cast<int>(std::count_if(all.begin(), all.end(),
                                          [l0](const Lambda& x) { return x.nu <= l0 && std::abs(x.mu) <= l0; }));
  return all;
}

}  // namespace

double wigner_d(int l, int m, int mp, double beta_rad) {
  if (l < 0 || std::abs(m) > l || std::abs(mp) > l) return 0.0;
  // The same recursion the vertex kernel evaluates (angular_algebra.hpp), without the γγ̃ norm.
  const angular::WignerRecursion w = angular::wigner_recursion(m, mp, l, false);
  std::vector<double> col(static_cast<std::size_t>(l + 1));
  angular::eval_wigner(w, std::cos(0.5 * beta_rad), std::sin(0.5 * beta_rad), std::cos(beta_rad), l, col.data());
  return col[static_cast<std::size_t>(l)];
}

void hankel_coefficients(std::complex<double> z, int lmax, int mmax, std::span<std::complex<double>> out) {
  // (E3.5) by the production leg kernel: one block of kernels::kLanes energies, z in lane 0.
  const int w = mmax + 1;
  if (lmax < 0 || mmax < 0 || out.size() < static_cast<std::size_t>((lmax + 1) * w)) {
    throw std::logic_error("hankel_coefficients: lmax, mmax must be >= 0 and the output span large enough");
  }
  constexpr std::size_t nep = kernels::kLanes;
  std::array<double, nep> zr{}, zi{};
  zr[0] = z.real();
  zi[0] = z.imag();
  const int lb = lmax;
  std::vector<double> re(static_cast<std::size_t>((lmax + 1) * w) * nep), im(re.size());
  kernels::leg_kernel(nep, &lb, lmax, mmax, zr.data(), zi.data(), re.data(), im.data());
  for (int l = 0; l <= lmax; ++l) {
    for (int m = 0; m <= mmax; ++m) {
      const std::size_t i = static_cast<std::size_t>(l * w + m);
      out[i] = m > l ? cplx(0.0, 0.0) : cplx(re[i * nep], im[i * nep]);
    }
  }
}

PathGeometry path_geometry(const ScatteringPath& path) {
  const std::size_t n_sc = path.scatterers_A.size();
  if (n_sc == 0) throw InputError("path " + std::to_string(path.index) + ": no scatterers");
  const std::size_t n = n_sc + 1;  // legs = vertices
  std::vector<Eigen::Vector3d> r(n + 1);
  r[0] = Eigen::Vector3d::Zero();
  for (std::size_t j = 0; j < n_sc; ++j) r[j + 1] = path.scatterers_A[j];
  r[n] = Eigen::Vector3d::Zero();
  PathGeometry g;
  g.leg_A.resize(n);
  g.beta_rad.resize(n);
  g.eta_rad.resize(n);
  std::vector<Eigen::Vector3d> leg(n);
  double total = 0.0;
  for (std::size_t j = 0; j < n; ++j) {
    leg[j] = r[j + 1] - r[j];
    g.leg_A[j] = leg[j].norm();
    if (g.leg_A[j] < 1e-6) {
      throw InputError("path " + std::to_string(path.index) + ": leg " + std::to_string(j + 1) +
                       " has zero length (two consecutive atoms coincide)");
    }
    total += g.leg_A[j];
  }
  g.reff_A = total / 2.0;
  // §3.1: vertex j (1..N) has incoming leg j and outgoing leg j+1 (leg 1 for j = N).
  std::vector<double> alpha(n), gamma(n);
  for (std::size_t j = 0; j < n; ++j) {
    const Spherical u = spherical(leg[j]);
    const Spherical v = spherical(leg[(j + 1) % n]);
    const double cd = v.cp * u.cp + v.sp * u.sp;  // cos(φ′ − φ)
    const double sd = v.sp * u.cp - v.cp * u.sp;  // sin(φ′ − φ)
    const double cb = std::clamp(u.ct * v.ct + u.st * v.st * cd, -1.0, 1.0);
    g.beta_rad[j] = std::acos(cb);
    const cplx a(-(u.st * v.ct - u.ct * v.st * cd), v.st * sd);
    const cplx gg(-(u.st * v.ct * cd - u.ct * v.st), -u.st * sd);
    constexpr double kTiny = 1e-6;
    const bool a_zero = std::abs(a.real()) < kTiny && std::abs(a.imag()) < kTiny;
    const bool g_zero = std::abs(gg.real()) < kTiny && std::abs(gg.imag()) < kTiny;
    const double alpha_t = a_zero ? std::atan2(sd, cd) : std::arg(a);
    const double gamma_t = g_zero ? 0.0 : std::arg(gg);
    alpha[j] = kPi - gamma_t;
    gamma[j] = kPi - alpha_t;
  }
  for (std::size_t j = 0; j < n; ++j) {
    const double alpha_prev = j == 0 ? alpha[n - 1] : alpha[j - 1];  // α_0 ≡ α_N
    g.eta_rad[j] = alpha_prev + gamma[j];
  }
  return g;
}

RehrAlbersCalculator::RehrAlbersCalculator(const PhaseShifts& phases, RehrAlbersOptions options,
                                           RehrAlbersWorkspace* workspace)
    : phases_(&phases),
      options_(options),
      own_workspace_(workspace ? nullptr : std::make_unique<RehrAlbersWorkspace>()),
      workspace_(workspace ? workspace : own_workspace_.get()) {
  ring_.pool = vertices_.pool = legs_.pool = workspace_;
  if (options_.iorder < 0 || options_.iorder > 4) {
    throw InputError("scattering.iorder: " + std::to_string(options_.iorder) + " is outside 0..4");
  }
  l0_ = phases.l0;
  if (l0_ != 1 && l0_ != 2) {
    throw InputError("phase shifts: l0 = " + std::to_string(l0_) + "; the Rehr–Albers termination supports 1 (K, L1) and 2 (L2,3)");
  }
  const std::size_t ne = phases.k_invA.size();
  if (ne < 2 || phases.p_invA.size() != ne) {
    throw InputError("phase shifts: k grid has " + std::to_string(ne) + " points and p has " +
                     std::to_string(phases.p_invA.size()) + "; expected equal sizes of at least 2");
  }
  if (phases.potentials.empty()) throw InputError("phase shifts: no potentials (the absorber, ipot 0, is required)");
  ne_ = ne;
  nblk_ = (ne + kLanes - 1) / kLanes;
  nep_ = nblk_ * kLanes;
  k_ = phases.k_invA;
  p_ = phases.p_invA;
  lmax_all_ = l0_;
  for (const auto& pot : phases.potentials) {
    if (pot.delta.size() < ne) {
      throw InputError("phase shifts: potential " + std::to_string(pot.ipot) + " has " + std::to_string(pot.delta.size()) +
                       " energies; expected at least " + std::to_string(ne));
    }
    for (std::size_t ie = 0; ie < ne; ++ie) lmax_all_ = std::max(lmax_all_, static_cast<int>(pot.delta[ie].size()) - 1);
  }
  const std::size_t nl = static_cast<std::size_t>(lmax_all_ + 1);
  const std::size_t np = phases.potentials.size();
  tre_.assign(np * nl * nep_, 0.0);
  tim_.assign(np * nl * nep_, 0.0);
  lmax_pot_.assign(np, -1);
  lmax_blk_.assign(np * nblk_, -1);
  for (std::size_t ip = 0; ip < np; ++ip) {
    for (std::size_t ie = 0; ie < ne; ++ie) {
      const auto& d = phases.potentials[ip].delta[ie];
      int lmax_e = -1;
      for (std::size_t l = 0; l < d.size(); ++l) {
        if (d[l] == cplx(0.0, 0.0)) continue;
        // §3.5: t_l = (e^{2iδ_l} − 1)/(2i) with complex δ_l.
        const cplx t = (std::exp(cplx(0.0, 2.0) * d[l]) - 1.0) / cplx(0.0, 2.0);
        tre_[(ip * nl + l) * nep_ + ie] = t.real();
        tim_[(ip * nl + l) * nep_ + ie] = t.imag();
        lmax_e = static_cast<int>(l);
      }
      lmax_pot_[ip] = std::max(lmax_pot_[ip], lmax_e);
      int& lb = lmax_blk_[ip * nblk_ + ie / kLanes];
      lb = std::max(lb, lmax_e);
    }
  }
  // Largest l a leg table needs per block: any potential's l there, and l0 for the termination.
  lmax_leg_blk_.assign(nblk_, std::max(l0_, 1));
  for (std::size_t b = 0; b < nblk_; ++b) {
    for (std::size_t ip = 0; ip < np; ++ip) lmax_leg_blk_[b] = std::max(lmax_leg_blk_[b], lmax_blk_[ip * nblk_ + b]);
    lmax_leg_blk_[b] = std::min(lmax_leg_blk_[b], lmax_all_);
  }
  inv_p_.resize(ne);
  for (std::size_t ie = 0; ie < ne; ++ie) inv_p_[ie] = std::abs(p_[ie]) < 1e-10 ? cplx(0.0, 0.0) : 1.0 / p_[ie];
  exp2idelta_abs_.resize(ne);
  central_phase_.resize(ne);
  for (std::size_t ie = 0; ie < ne; ++ie) {
    const auto& d = phases.potentials[0].delta[ie];
    const cplx dl0 = static_cast<std::size_t>(l0_) < d.size() ? d[static_cast<std::size_t>(l0_)] : cplx(0.0, 0.0);
    exp2idelta_abs_[ie] = std::exp(cplx(0.0, 2.0) * dl0);
    const double rc = std::exp(-2.0 * dl0.imag());  // reduction factor r_c (§1.2)
    central_phase_[ie] = std::exp(cplx(0.0, -(2.0 * dl0.real() + l0_ * kPi))) / rc;
  }
  ms_.lam = lambda_set<Lambda>(options_.iorder, options_.iorder, options_.iorder / 2, l0_, ms_.laml0);
  ss_.lam = lambda_set<Lambda>(3 * l0_, l0_, l0_, l0_, ss_.laml0);
  mc_ = 0;
  for (const auto* set : {&ms_.lam, &ss_.lam}) {
    for (const auto& x : *set) mc_ = std::max(mc_, x.nu + std::abs(x.mu));
  }
  if (static_cast<int>(ms_.lam.size()) > kMaxLam || static_cast<int>(ss_.lam.size()) > kMaxLam) {
    throw InputError("scattering.iorder: λ set larger than " + std::to_string(kMaxLam));
  }
  build_set(ms_);
  build_set(ss_);
  dcol_.assign(nl, 0.0);
  zr_.assign(nep_, 0.0);
  zi_.assign(nep_, 0.0);
  trr_.assign(nep_, 0.0);
  tri_.assign(nep_, 0.0);
  dmat_.assign(std::max(ms_.pairs.size(), ss_.pairs.size()) * nl, 0.0);
  vertices_.block = std::max<std::size_t>(std::size_t{1} << 16,
                                          static_cast<std::size_t>(2 * kMaxLam * kMaxLam) * nep_);
  ring_slot_ = static_cast<std::size_t>(2 * std::max(ms_.lam.size() * ms_.lam.size(), ss_.lam.size() * ss_.lam.size())) * nep_;
  ring_.block = ring_slot_ * kRingSlots;
  ring_.alloc(ring_.block);
  ring_gen_.assign(kRingSlots, 0);
  legs_.block = std::max<std::size_t>(std::size_t{1} << 16, static_cast<std::size_t>(2 * (lmax_all_ + 1) * (mc_ + 1)) * nep_);
}

void RehrAlbersCalculator::build_set(LamSet& set) const {
  // Unique F entries: rows with μ > 0, or μ = 0 and μ′ ≥ 0; the mirror (−μ, −μ′) has the sign
  // (−1)^{μ−μ′} (d^l_{−μ,−μ′} = (−1)^{μ−μ′} d^l_{μμ′}; c̃ and the norms depend on |μ| only).
  const int nlam = static_cast<int>(set.lam.size());
  auto find = [&](int mu, int nu) {
    for (int i = 0; i < nlam; ++i) {
      if (set.lam[static_cast<std::size_t>(i)].mu == mu && set.lam[static_cast<std::size_t>(i)].nu == nu) return i;
    }
    return -1;
  };
  std::vector<std::pair<int, int>> pair_mu;
  struct U {
    int mo, ni, pair;
  };
  std::vector<U> uniq;
  for (int a = 0; a < nlam; ++a) {
    for (int b = 0; b < nlam; ++b) {
      const Lambda la = set.lam[static_cast<std::size_t>(a)], lb = set.lam[static_cast<std::size_t>(b)];
      if (la.mu < 0 || (la.mu == 0 && lb.mu < 0)) continue;
      auto it = std::find(pair_mu.begin(), pair_mu.end(), std::make_pair(la.mu, lb.mu));
      if (it == pair_mu.end()) {
        pair_mu.emplace_back(la.mu, lb.mu);
        it = pair_mu.end() - 1;
      }
      uniq.push_back({la.nu + std::abs(la.mu), lb.nu, static_cast<int>(it - pair_mu.begin())});
      const int a2 = find(-la.mu, la.nu), b2 = find(-lb.mu, lb.nu);
      set.ufull.push_back(a * nlam + b);
      set.mfull.push_back(a2 * nlam + b2);
      set.msign.push_back(((la.mu - lb.mu) % 2 == 0) ? 1.0 : -1.0);
    }
  }
  set.n_unique = static_cast<int>(uniq.size());
  for (int u = 0; u < set.n_unique; ++u) {
    const int a = set.ufull[static_cast<std::size_t>(u)] / nlam, b = set.ufull[static_cast<std::size_t>(u)] % nlam;
    set.upair.push_back(uniq[static_cast<std::size_t>(u)].pair);
    if (u >= 64) continue;
    if (b < set.laml0) set.need_first |= std::uint64_t{1} << u;
    if (a < set.laml0) set.need_last |= std::uint64_t{1} << u;
  }
  for (const auto& [mu, mup] : pair_mu) set.pairs.push_back(angular::wigner_recursion(mu, mup, lmax_all_, true));
  // Chunks: unique entries grouped by (mo, ni), at most 4 per chunk.
  for (int mo = 0; mo <= mc_; ++mo) {
    for (int ni = 0; ni <= mc_; ++ni) {
      Chunk ch;
      ch.mo = mo;
      ch.ni = ni;
      for (int u = 0; u < set.n_unique; ++u) {
        if (uniq[static_cast<std::size_t>(u)].mo != mo || uniq[static_cast<std::size_t>(u)].ni != ni) continue;
        ch.u[static_cast<std::size_t>(ch.k)] = u;
        ch.pair[static_cast<std::size_t>(ch.k)] = uniq[static_cast<std::size_t>(u)].pair;
        if (++ch.k == 4) {
          set.chunks.push_back(ch);
          ch.k = 0;
        }
      }
      if (ch.k > 0) set.chunks.push_back(ch);
    }
  }
  if (set.pairs.size() > 64 || set.chunks.size() > 64) throw InputError("scattering.iorder: λ set too large for the vertex kernel");
  // Termination: d^{l0}_{μ_a μ_b}(β_N) for a, b < laml0 depends only on (μ_a, μ_b).
  std::vector<std::pair<int, int>> term_mu;
  for (int a = 0; a < set.laml0; ++a) {
    for (int b = 0; b < set.laml0; ++b) {
      const auto mm = std::make_pair(set.lam[static_cast<std::size_t>(a)].mu, set.lam[static_cast<std::size_t>(b)].mu);
      auto it = std::find(term_mu.begin(), term_mu.end(), mm);
      if (it == term_mu.end()) {
        term_mu.push_back(mm);
        set.term.push_back(angular::wigner_recursion(mm.first, mm.second, l0_, true));
        it = term_mu.end() - 1;
      }
      set.term_idx.push_back(static_cast<int>(it - term_mu.begin()));
    }
  }
}

std::unique_ptr<double[]> RehrAlbersWorkspace::take(std::size_t block_doubles) {
  auto it = std::find_if(free_.begin(), free_.end(), [&](const auto& x) { return x.first == block_doubles; });
  if (it == free_.end()) return std::unique_ptr<double[]>(new double[block_doubles]);
  auto b = std::move(it->second);
  free_.erase(it);
  return b;
}

void RehrAlbersWorkspace::give_back(std::size_t block_doubles, std::unique_ptr<double[]> b) {
  if (free_.size() < kMaxBlocks) free_.emplace_back(block_doubles, std::move(b));
}

RehrAlbersCalculator::Arena::~Arena() {
  if (!pool) return;
  for (auto& b : blocks) pool->give_back(block, std::move(b));
}

std::size_t RehrAlbersCalculator::Arena::alloc(std::size_t n) {
  std::size_t off = used;
  if (off % block + n > block) off = (off / block + 1) * block;
  const std::size_t blk = off / block;
  while (blocks.size() <= blk) blocks.push_back(pool->take(block));
  used = off + n;
  return off;
}

RehrAlbersCalculator::LegData RehrAlbersCalculator::leg_table(double leg_A) {
  // The table is computed at the key's grid length, so it depends on the key alone.
  const long long key = std::llround(leg_A * 1e8);
  leg_A = static_cast<double>(key) * 1e-8;
  const std::size_t nep = nep_;
  const int mcw = mc_ + 1;
  const std::size_t w = static_cast<std::size_t>((lmax_all_ + 1) * mcw);
  auto it = leg_cache_.find(key);
  if (it != leg_cache_.end()) {
    const double* base = legs_.at(it->second);
    return {base, base + w * nep};
  }
  const std::size_t offset = legs_.alloc(2 * w * nep);
  leg_cache_.emplace(key, offset);
  double* re = legs_.at(offset);
  double* im = re + w * nep;
  if (options_.plane_wave) {
    std::fill_n(re, 2 * w * nep, 0.0);
    for (int l = 0; l <= lmax_all_; ++l) std::fill_n(re + static_cast<std::size_t>(l * mcw) * nep, nep, 1.0);
  } else {
    const double inv_r = 1.0 / leg_A;
    for (std::size_t ie = 0; ie < ne_; ++ie) {  // z = 1/(iρ) = −i/(p R); pad energies keep z = 0
      zr_[ie] = inv_p_[ie].imag() * inv_r;
      zi_[ie] = -inv_p_[ie].real() * inv_r;
    }
    leg_kernel(nep, lmax_leg_blk_.data(), lmax_all_, mc_, zr_.data(), zi_.data(), re, im);
  }
  return {re, im};
}

const double* RehrAlbersCalculator::vertex_table(int ip, bool ss, double rin_A, double rout_A, double beta_rad,
                                                 std::uint64_t need) {
  // F-core entries of one scatterer (§3.5) without the azimuthal phase e^{−iμη}, every energy:
  // they depend only on (potential, incoming and outgoing leg lengths, β) and are shared between
  // paths (stored on first sight; the cache is trimmed between paths). Only the unique entries in
  // `need` are guaranteed: the first scatterer's chain product reads only columns < laml0, the last
  // one's only rows < laml0; entries are added when a later path needs more.
  const LamSet& set = ss ? ss_ : ms_;
  if (set.n_unique > 64) need = ~std::uint64_t{0};
  VertexKey key{ip, ss, std::llround(rin_A * 1e8), std::llround(rout_A * 1e8), std::llround(beta_rad * 1e14)};
  // Evaluate at the key's grid values (see VertexKey): the table is a function of the key alone.
  rin_A = static_cast<double>(key.rin) * 1e-8;
  rout_A = static_cast<double>(key.rout) * 1e-8;
  beta_rad = static_cast<double>(key.beta) * 1e-14;
  const std::size_t nep = nep_;
  const int nl = lmax_all_ + 1;
  const int nfull = static_cast<int>(set.lam.size() * set.lam.size());
  const std::size_t n = static_cast<std::size_t>(2 * nfull) * nep;
  // A vertex seen for the first time goes to a small ring of reused slots (disordered clusters
  // rarely see a vertex twice, so most tables never reach the cache); a second sighting copies it
  // from the ring into the cache if it is still there, else it is computed into the cache.
  auto it = vertex_cache_.find(key);
  double* table = nullptr;
  if (it == vertex_cache_.end()) {
    const std::size_t slot = ring_next_++ % kRingSlots;
    it = vertex_cache_.emplace(key, VertexEntry{slot * ring_slot_, 0, true, ++ring_gen_[slot]}).first;
    table = ring_.at(it->second.offset);
  } else if (it->second.in_ring) {
    const std::size_t slot = it->second.offset / ring_slot_;
    const std::size_t offset = vertices_.alloc(n);
    if (ring_gen_[slot] == it->second.gen) {
      std::copy_n(ring_.at(it->second.offset), n, vertices_.at(offset));
    } else {
      it->second.done = 0;  // overwritten in the ring: compute again
    }
    it->second.offset = offset;
    it->second.in_ring = false;
    table = vertices_.at(offset);
  } else {
    table = vertices_.at(it->second.offset);
  }
  const std::uint64_t missing = need & ~it->second.done;
  if (missing == 0) return table;
  it->second.done |= missing;
  auto wanted = [&](int u) { return u >= 64 || ((missing >> u) & 1u) != 0; };
  const int lvmax = lmax_pot_[static_cast<std::size_t>(ip)];
  if (lvmax < 0) {
    std::fill_n(table, n, 0.0);
    it->second.done = ~std::uint64_t{0};
    return table;
  }
  // Rotation factors D_p[l] = (2l+1)(−1)^{|μ|} N_{l|μ|}/N_{l|μ′|} d^l_{μμ′}(β) per (μ, μ′) pair.
  // A pair whose factors all vanish (|D| < 1e-12, e.g. μ′ ≠ −μ at β = π or μ′ ≠ μ at β = 0: single
  // scattering and collinear vertices) gives zero entries that the kernel skips.
  const double ch = std::cos(0.5 * beta_rad), sh = std::sin(0.5 * beta_rad), cb = std::cos(beta_rad);
  std::array<bool, 64> pair_zero{}, pair_used{};
  for (int u = 0; u < set.n_unique; ++u) {
    if (wanted(u)) pair_used[static_cast<std::size_t>(set.upair[static_cast<std::size_t>(u)])] = true;
  }
  for (std::size_t p = 0; p < set.pairs.size(); ++p) {
    if (!pair_used[p]) continue;
    double* d = dmat_.data() + p * static_cast<std::size_t>(nl);
    angular::eval_wigner(set.pairs[p], ch, sh, cb, lvmax, d);
    double dmax = 0.0;
    for (int l = 0; l <= lvmax; ++l) dmax = std::max(dmax, std::abs(d[l]));
    pair_zero[p] = dmax < 1e-12;
  }
  const LegData cin_t = leg_table(rin_A);
  const LegData cout_t = leg_table(rout_A);
  // Chunks of the non-zero entries, up to kChunkMax per (mo, ni); zero entries are written as zeros.
  std::array<int, 64> cmo{}, cni{}, ck{};
  std::array<int, 64 * kChunkMax> cu{}, cp{};
  int nch = 0;
  int cur_mo = -1, cur_ni = -1;
  for (const Chunk& x : set.chunks) {
    for (int k = 0; k < x.k; ++k) {
      const int u = x.u[static_cast<std::size_t>(k)], pr = x.pair[static_cast<std::size_t>(k)];
      if (!wanted(u)) continue;
      if (pair_zero[static_cast<std::size_t>(pr)]) {
        for (std::size_t b = 0; b < nblk_; ++b) {
          double* tb = table + b * static_cast<std::size_t>(nfull) * (2 * kLanes);
          std::fill_n(tb + static_cast<std::size_t>(set.ufull[static_cast<std::size_t>(u)]) * (2 * kLanes), 2 * kLanes, 0.0);
          std::fill_n(tb + static_cast<std::size_t>(set.mfull[static_cast<std::size_t>(u)]) * (2 * kLanes), 2 * kLanes, 0.0);
        }
        continue;
      }
      if (nch == 0 || x.mo != cur_mo || x.ni != cur_ni || ck[static_cast<std::size_t>(nch - 1)] == kChunkMax) {
        cmo[static_cast<std::size_t>(nch)] = cur_mo = x.mo;
        cni[static_cast<std::size_t>(nch)] = cur_ni = x.ni;
        ck[static_cast<std::size_t>(nch)] = 0;
        ++nch;
      }
      const std::size_t c = static_cast<std::size_t>(nch - 1);
      cu[c * kChunkMax + static_cast<std::size_t>(ck[c])] = u;
      cp[c * kChunkMax + static_cast<std::size_t>(ck[c])] = pr;
      ++ck[c];
    }
  }
  VertexJob job;
  job.nblk = static_cast<int>(nblk_);
  job.nep = nep;
  job.lmax_blk = lmax_blk_.data() + static_cast<std::size_t>(ip) * nblk_;
  const std::size_t off = static_cast<std::size_t>(ip) * static_cast<std::size_t>(nl) * nep;
  job.tr = tre_.data() + off;
  job.ti = tim_.data() + off;
  job.cinr = cin_t.re;
  job.cini = cin_t.im;
  job.coutr = cout_t.re;
  job.couti = cout_t.im;
  job.mcw = mc_ + 1;
  job.n_chunks = nch;
  job.chunk_mo = cmo.data();
  job.chunk_ni = cni.data();
  job.chunk_k = ck.data();
  job.chunk_u = cu.data();
  job.chunk_pair = cp.data();
  job.dmat = dmat_.data();
  job.nl = nl;
  job.ufull = set.ufull.data();
  job.mfull = set.mfull.data();
  job.msign = set.msign.data();
  job.nfull = nfull;
  job.table = table;
  vertex_kernel(job);
  return table;
}

void RehrAlbersCalculator::chi_tilde(const ScatteringPath& path, std::span<std::complex<double>> chi) {
  const std::size_t ne = ne_;
  if (chi.size() != ne) throw std::logic_error("chi_tilde: output has the wrong size");
  const PathGeometry geo = path_geometry(path);
  const int n = static_cast<int>(geo.leg_A.size());  // N legs
  const int n_sc = n - 1;
  if (n > kMaxLegs) throw InputError("path " + std::to_string(path.index) + ": more than " + std::to_string(kMaxLegs) + " legs");
  const std::size_t np = phases_->potentials.size();
  for (int j = 0; j < n_sc; ++j) {
    const int ip = j < static_cast<int>(path.ipot.size()) ? path.ipot[static_cast<std::size_t>(j)] : -1;
    if (ip < 0 || static_cast<std::size_t>(ip) >= np) {
      throw InputError("path " + std::to_string(path.index) + ": scatterer " + std::to_string(j + 1) + " has potential " +
                       std::to_string(ip) + "; the phase shifts have potentials 0.." + std::to_string(np - 1));
    }
  }
  // Caches are trimmed only between paths: references into them stay valid within one path.
  if (legs_.used * sizeof(double) > options_.leg_cache_bytes) {
    leg_cache_.clear();
    legs_.used = 0;
  }
  if (vertices_.used * sizeof(double) > options_.vertex_cache_bytes) {
    vertex_cache_.clear();
    vertices_.used = 0;
  }
  const bool ss = n == 2;
  const LamSet& set = ss ? ss_ : ms_;
  const int lamx = static_cast<int>(set.lam.size());
  const int laml0 = set.laml0;
  const int mcw = mc_ + 1;

  ChainJob job;
  job.nblk = static_cast<int>(nblk_);
  job.nep = nep_;
  job.laml0 = laml0;
  job.lamx = lamx;
  job.n_sc = n_sc;
  job.trr = trr_.data();
  job.tri = tri_.data();
  // Per path: the vertex tables (cached across paths), azimuthal phases e^{−iμ_a η_{j+1}} of F^{(j)}
  // (η_1 for M), and the termination's rotation factors (§3.7: t ≡ 1, l = l0, angle β_N).
  for (int j = 0; j < n_sc; ++j) {
    const std::uint64_t need = ss ? (set.need_first & set.need_last)
                               : j == 0 ? set.need_first
                               : j == n_sc - 1 ? set.need_last
                                               : ~std::uint64_t{0};
    job.vt[j] = vertex_table(path.ipot[static_cast<std::size_t>(j)], ss, geo.leg_A[static_cast<std::size_t>(j)],
                             geo.leg_A[static_cast<std::size_t>(j + 1)], geo.beta_rad[static_cast<std::size_t>(j)], need);
  }
  for (int j = 0; j < n; ++j) {
    // e^{−iμη} for |μ| ≤ 4 as integer powers of e^{−iη}: one sincos per leg instead of per λ.
    const double eta = geo.eta_rad[static_cast<std::size_t>((j + 1) % n)];
    const cplx e1 = std::polar(1.0, -eta);
    std::array<cplx, 5> epow{};
    epow[0] = 1.0;
    for (std::size_t q = 1; q < epow.size(); ++q) epow[q] = epow[q - 1] * e1;
    for (int a = 0; a < lamx; ++a) {
      const int mu = set.lam[static_cast<std::size_t>(a)].mu;
      const cplx e = mu >= 0 ? epow[static_cast<std::size_t>(mu)] : std::conj(epow[static_cast<std::size_t>(-mu)]);
      job.azr[j][a] = e.real();
      job.azi[j][a] = e.imag();
    }
  }
  const double beta_n = geo.beta_rad[static_cast<std::size_t>(n - 1)];
  const double ch = std::cos(0.5 * beta_n), sh = std::sin(0.5 * beta_n), cb = std::cos(beta_n);
  std::array<double, 81> dterm{};  // distinct (μ, μ′) pairs: at most (2 l0 + 1)² ≤ 25
  for (std::size_t t = 0; t < set.term.size() && t < dterm.size(); ++t) {
    angular::eval_wigner(set.term[t], ch, sh, cb, l0_, dcol_.data());
    dterm[t] = dcol_[static_cast<std::size_t>(l0_)];
  }
  for (int a = 0; a < laml0; ++a) {
    for (int b = 0; b < laml0; ++b) {
      job.mrot[a * kMaxLam + b] = dterm[static_cast<std::size_t>(set.term_idx[static_cast<std::size_t>(a * laml0 + b)])];
    }
  }
  const LegData leg1 = leg_table(geo.leg_A[0]);
  const LegData legn = leg_table(geo.leg_A[static_cast<std::size_t>(n - 1)]);
  for (int a = 0; a < laml0; ++a) {
    const Lambda la = set.lam[static_cast<std::size_t>(a)];
    const std::size_t x1 = static_cast<std::size_t>(l0_ * mcw + la.nu + std::abs(la.mu)) * nep_;
    const std::size_t xn = static_cast<std::size_t>(l0_ * mcw + la.nu) * nep_;
    job.c1r[a] = leg1.re + x1;
    job.c1i[a] = leg1.im + x1;
    job.cnr[a] = legn.re + xn;
    job.cni[a] = legn.im + xn;
  }
  chain_kernel(job);

  double rprod = 1.0;
  for (double r : geo.leg_A) rprod *= r;
  const double twor = 2.0 * geo.reff_A;
  for (std::size_t ie = 0; ie < ne; ++ie) {
    const cplx p = p_[ie];
    if (std::abs(p) < 1e-10) {
      chi[ie] = 0.0;
      continue;
    }
    // §3.8: χ̃ = e^{2iδ_l0} e^{i(Σρ − 2kR)} / Πρ_j · T/(2l0+1), Σρ = 2pR.
    // 1/Πρ as a product of the precomputed 1/p (a complex division per energy is a libgcc call).
    cplx inv_rho_prod = 1.0 / rprod;
    for (int j = 0; j < n; ++j) inv_rho_prod *= inv_p_[ie];
    chi[ie] = exp2idelta_abs_[ie] * std::exp(cplx(0.0, 1.0) * (p * twor - k_[ie] * twor)) * inv_rho_prod *
              cplx(trr_[ie], tri_[ie]) / static_cast<double>(2 * l0_ + 1);
  }
}

std::complex<double> RehrAlbersCalculator::f_eff_from_chi_tilde(std::complex<double> chi, std::size_t ie,
                                                                double reff_A) const {
  return chi * k_[ie] * reff_A * reff_A * std::exp(2.0 * reff_A * p_[ie].imag()) * central_phase_[ie];
}

PathAmplitude RehrAlbersCalculator::compute(const ScatteringPath& path) {
  PathAmplitude out;
  out.chi_tilde.resize(k_.size());
  chi_tilde(path, out.chi_tilde);
  out.reff_A = path_geometry(path).reff_A;
  out.f_eff_A.resize(k_.size());
  for (std::size_t ie = 0; ie < k_.size(); ++ie) out.f_eff_A[ie] = f_eff_from_chi_tilde(out.chi_tilde[ie], ie, out.reff_A);
  return out;
}

double RehrAlbersCalculator::importance_integral(std::span<const std::complex<double>> chi) const {
  double sum = 0.0;
  for (std::size_t ie = 1; ie < chi.size() && ie < p_.size(); ++ie) {
    sum += 0.5 * (std::abs(chi[ie]) + std::abs(chi[ie - 1])) * (std::abs(p_[ie]) - std::abs(p_[ie - 1]));
  }
  return sum;
}

}  // namespace xasforge::scattering
