#pragma once
/// Curved-wave effective scattering amplitude F_eff of a multiple-scattering path by the
/// Rehr–Albers separable propagator, as FEFF 8.5L's genfmt evaluates it (Rehr & Albers,
/// PRB 41, 8139 (1990); docs/physics.md §3).
///
/// References: J. J. Rehr, R. C. Albers, Phys. Rev. B 41, 8139 (1990); Rev. Mod. Phys. 72, 621
/// (2000). Conventions (FEFF's): k is measured from the Fermi level, p is the complex local
/// momentum, the factor e^{2ikR} is taken out of χ̃ and F_eff carries the extra 2R(Re p − k) phase.
///
/// Speed: the calculator precomputes, once per PhaseShifts, the t-matrices t_l of every
/// potential at every energy and the absorber factors. Every per-energy quantity is stored
/// energy-innermost and padded to blocks of 4 energies, and the three kernels (Hankel tables per
/// leg length, scatterer F-cores per (potential, legs, β), the matrix chain per path) work on
/// 4 energies at once (AVX2/FMA when the CPU has it, chosen at run time). Leg tables and vertex
/// tables are cached and shared between paths; their memory comes from blocks of a
/// RehrAlbersWorkspace that the caller owns (one per thread) and lends to each calculator, so a
/// later calculator reuses memory an earlier one already touched. Nothing is allocated in the
/// energy loops.
#include <complex>
#include <cstddef>
#include <cstdint>
#include <span>
#include <array>
#include <unordered_map>
#include <memory>
#include <utility>
#include <vector>

#include "core/scattering/angular_algebra.hpp"
#include "core/scattering/phase_shifts.hpp"
#include "core/scattering/scattering_path.hpp"

namespace xasforge::scattering {


struct RehrAlbersOptions {
  /// genfmt's `iorder`: keep λ = (μ, ν) with 2ν + |μ| ≤ iorder for multiple-scattering paths
  /// (FEFF default 2; 0 is the plane-wave-like "order 0"). Single-scattering paths are always
  /// exact (μ, ν ≤ l0). Accepted range 0..4 (InputError otherwise).
  int iorder = 2;
  /// Force the plane-wave limit (Hankel coefficients c̃_l^{(m)} = δ_{m0}, §3.9). For tests.
  bool plane_wave = false;
  /// Upper bound on the leg cache (bytes); when exceeded the cache is cleared.
  std::size_t leg_cache_bytes = 64u << 20;
  /// Upper bound on the scatterer (vertex) cache (bytes); when exceeded the cache is cleared.
  std::size_t vertex_cache_bytes = 128u << 20;
};

/// χ̃_Γ and F_Γ of one path on the EXAFS grid of the PhaseShifts it was computed with.
struct PathAmplitude {
  /// χ̃_Γ(k) = e^{2iδ_l0} e^{i(Σρ−2kR)} / Πρ · Tr(M P)/(2l0+1): no N, S0², DW (docs/physics.md (E3.10)).
  std::vector<std::complex<double>> chi_tilde;
  /// F_Γ(k) in Å; |F| and arg F are feffNNNN.dat columns 3 and 4 (mod 2π).
  std::vector<std::complex<double>> f_eff_A;
  double reff_A = 0.0;  ///< half path length computed from the coordinates
};

/// Geometry of a path as the Rehr–Albers formula needs it (docs/physics.md (E3.1)–(E3.3)).
struct PathGeometry {
  std::vector<double> leg_A;      ///< R_j, j = 1..N (index j−1)
  std::vector<double> beta_rad;   ///< β_j, j = 1..N (vertex N is the absorber)
  std::vector<double> eta_rad;    ///< η_j, j = 1..N
  double reff_A = 0.0;
};

/// Legs, scattering angles β and Euler angles η of a path (absorber at the origin).
/// Throws InputError if two consecutive atoms coincide (leg shorter than 1e-6 Å).
PathGeometry path_geometry(const ScatteringPath& path);

/// Wigner small-d matrix element d^l_{mm'}(β) = ⟨lm|e^{−iβL_y}|lm'⟩ (standard convention,
/// d¹_{1,0} = −sin β/√2), by upward recursion in l. Zero when |m| > l or |m'| > l.
double wigner_d(int l, int m, int mp, double beta_rad);

/// Hankel-function polynomial coefficient c̃_l^{(m)}(z) = Σ_{j=m}^{l} C(j,m)(l+j)!/(j!(l−j)!)(−z/2)^j
/// for l = 0..lmax and m = 0..mmax, written to out[l*(mmax+1)+m] (docs/physics.md (E3.5)).
void hankel_coefficients(std::complex<double> z, int lmax, int mmax, std::span<std::complex<double>> out);

/// Table memory for Rehr–Albers calculators: blocks of doubles that a calculator takes when it
/// grows its caches and gives back when it is destroyed, so the next calculator on the same
/// thread reuses memory already touched (a fresh calculator on fresh memory paid page faults on
/// every table: 12 -> 200 µs per path on cu_fcc). Owned by the caller, one per thread (not
/// thread-safe), and it must outlive the calculators that borrow it. Keeps at most kMaxBlocks
/// freed blocks (0.5–1 MB each). Its content never changes a result, only where tables live.
class RehrAlbersWorkspace {
 public:
  static constexpr std::size_t kMaxBlocks = 128;
  RehrAlbersWorkspace() = default;
  RehrAlbersWorkspace(const RehrAlbersWorkspace&) = delete;
  RehrAlbersWorkspace& operator=(const RehrAlbersWorkspace&) = delete;
  RehrAlbersWorkspace(RehrAlbersWorkspace&&) noexcept = default;
  RehrAlbersWorkspace& operator=(RehrAlbersWorkspace&&) noexcept = default;
  /// Freed blocks held for the next calculator.
  std::size_t free_blocks() const { return free_.size(); }

 private:
  friend class RehrAlbersCalculator;
  std::unique_ptr<double[]> take(std::size_t block_doubles);           // a freed block of that size, or a new one
  void give_back(std::size_t block_doubles, std::unique_ptr<double[]> b);  // dropped beyond kMaxBlocks
  std::vector<std::pair<std::size_t, std::unique_ptr<double[]>>> free_;
};

/// Rehr–Albers F_eff calculator bound to one set of phase shifts, which must outlive it (it keeps
/// a pointer). Not thread-safe (it owns leg and vertex caches); use one per thread or rank.
class RehrAlbersCalculator {
 public:
  /// Validates the phase shifts (grid sizes, l0 of 1 or 2, potentials present) and the options;
  /// throws InputError naming the field. `workspace`: the caller's table memory (one per thread,
  /// outliving the calculator); nullptr: the calculator keeps a private one (nothing reused
  /// across calculators).
  explicit RehrAlbersCalculator(const PhaseShifts& phases, RehrAlbersOptions options = {},
                                RehrAlbersWorkspace* workspace = nullptr);

  /// χ̃_Γ(k) on every grid energy into chi_tilde (size = number of grid points).
  /// Throws InputError if the path names a potential absent from the phase shifts.
  void chi_tilde(const ScatteringPath& path, std::span<std::complex<double>> chi_tilde);

  /// χ̃_Γ and F_Γ of a path.
  PathAmplitude compute(const ScatteringPath& path);

  /// F_Γ from χ̃_Γ (docs/physics.md (E3.11)): χ̃ k R² e^{2R Im p}/r_c e^{−i(2 Re δ_l0 + l0π)}.
  std::complex<double> f_eff_from_chi_tilde(std::complex<double> chi_tilde, std::size_t energy_index,
                                            double reff_A) const;

  /// Curved-wave importance integral ∫|χ̃| d|p| (trapezoid over the grid, docs/physics.md (E3.12)).
  double importance_integral(std::span<const std::complex<double>> chi_tilde) const;

  std::size_t n_energies() const { return k_.size(); }
  const PhaseShifts& phases() const { return *phases_; }
  void clear_cache() {
    leg_cache_.clear();
    legs_.used = 0;
    vertex_cache_.clear();
    vertices_.used = 0;
  }

 private:
  struct Lambda {
    int mu = 0;
    int nu = 0;
  };
  // c̃_l^{(m)} of one leg for every energy, SoA: re/im[(l * (mc_+1) + m) * nep_ + ie] (in legs_).
  struct LegData {
    const double* re = nullptr;
    const double* im = nullptr;
  };
  // Bump allocator over fixed-size blocks of doubles. Blocks come from and go back to the
  // workspace, so a new calculator reuses memory that an earlier one already touched (no page
  // faults in a campaign's later spectra); `used = 0` keeps the blocks. Tables never straddle blocks.
  struct Arena {
    std::vector<std::unique_ptr<double[]>> blocks;
    std::size_t block = 0, used = 0;
    RehrAlbersWorkspace* pool = nullptr;  // lends and takes back the blocks
    Arena() = default;
    Arena(Arena&&) noexcept = default;
    Arena& operator=(Arena&&) noexcept = default;
    ~Arena();
    std::size_t alloc(std::size_t n);  // returns the offset of n contiguous doubles
    double* at(std::size_t offset) { return blocks[offset / block].get() + offset % block; }
  };
  // d^l_{μμ′}(β) by upward recursion in l, times the γγ̃ norm (angular_algebra.hpp).
  using WignerPair = angular::WignerRecursion;
  // Up to 4 unique F entries (merged up to 6 per vertex in the kernel) sharing (mo, ni) = (ν+|μ| of the row, ν′ of the column): one
  // t c̃ c̃ product feeds all of them in the vertex kernel.
  struct Chunk {
    int mo = 0, ni = 0, k = 0;
    std::array<int, 4> u{}, pair{};
  };
  // A λ set (§3.6) with its unique F entries (under d^l_{−μ,−μ′} = (−1)^{μ−μ′} d^l_{μμ′}).
  struct LamSet {
    std::vector<Lambda> lam;
    int laml0 = 0;
    int n_unique = 0;
    std::vector<WignerPair> pairs;  // distinct (μ, μ′) of the unique entries
    std::vector<Chunk> chunks;
    std::vector<int> ufull, mfull;  // unique entry → full index row * nlam + col, and of its mirror
    std::vector<double> msign;      // unique entry → sign of its mirror (±1)
    std::vector<int> upair;         // unique entry → its (μ, μ′) pair
    // Unique entries (bits, first 64) the chain reads of the first scatterer (columns < laml0)
    // and of the last one (rows < laml0); middle scatterers need all.
    std::uint64_t need_first = 0, need_last = 0;
    std::vector<WignerPair> term;   // distinct termination (μ_a, μ_b) pairs, l = l0 only
    std::vector<int> term_idx;      // [a * laml0 + b] → index in term
  };
  // Cache keys: leg lengths on a 1e-8 Å grid and β on a 1e-14 rad grid. A cached table is
  // computed from the key's grid values, never from the first caller's exact inputs, so its
  // content is a function of the key alone: results do not depend on which path (or thread)
  // filled the cache first.
  struct VertexKey {
    int ip = 0;
    bool ss = false;
    long long rin = 0, rout = 0, beta = 0;
    bool operator==(const VertexKey&) const = default;
  };
  struct VertexKeyHash {
    std::size_t operator()(const VertexKey& k) const {
      std::size_t h = std::hash<long long>()(k.rin);
      h = h * 1000003u ^ std::hash<long long>()(k.rout);
      h = h * 1000003u ^ std::hash<long long>()(k.beta);
      return h * 31u + static_cast<std::size_t>(k.ip) * 2u + (k.ss ? 1u : 0u);
    }
  };
  void build_set(LamSet& set) const;
  // c̃ for every energy of one leg length (cached)
  LegData leg_table(double leg_A);
  // F-core (no azimuthal phase) of one scatterer for every energy (cached), block-major:
  // [((block * nlam² + row * nlam + col) * 2 + re/im) * 4 + lane], energy = block * 4 + lane.
  const double* vertex_table(int ip, bool ss, double rin_A, double rout_A, double beta_rad, std::uint64_t need);

  const PhaseShifts* phases_;
  RehrAlbersOptions options_;
  // Declared before the arenas so that it outlives them (they give their blocks back to it).
  std::unique_ptr<RehrAlbersWorkspace> own_workspace_;  // when the caller lent none
  RehrAlbersWorkspace* workspace_ = nullptr;
  int l0_ = 1;
  int lmax_all_ = 0;                                 // largest l over potentials and l0
  std::size_t ne_ = 0, nep_ = 0, nblk_ = 0;         // energies, padded to a lane multiple, blocks
  std::vector<double> k_;                            // Å⁻¹
  std::vector<std::complex<double>> p_;              // Å⁻¹
  std::vector<std::complex<double>> inv_p_;          // 1/p, Å (0 where |p| < 1e-10)
  std::vector<std::complex<double>> exp2idelta_abs_; // e^{2iδ_l0} of the absorber
  std::vector<std::complex<double>> central_phase_;  // e^{-i(2 Re δ_l0 + l0 π)} / r_c
  std::vector<double> tre_, tim_;   // t_l SoA: [(ip * (lmax_all_+1) + l) * nep_ + ie], 0 where δ_l = 0
  std::vector<int> lmax_pot_;       // largest l with δ ≠ 0 over all energies, per potential
  std::vector<int> lmax_blk_;       // [ip * nblk_ + block]: largest l with δ ≠ 0 in the block
  std::vector<int> lmax_leg_blk_;   // [block]: largest l a leg table holds (all potentials, ≥ l0)
  int mc_ = 0;  // largest Hankel derivative order needed (ν + |μ|)
  LamSet ms_, ss_;
  struct VertexEntry {
    std::size_t offset = 0;   // in vertices_, or in ring_ while in_ring
    std::uint64_t done = 0;   // unique entries computed (bits)
    bool in_ring = false;
    std::uint64_t gen = 0;    // ring slot generation it was written with
  };
  static constexpr std::size_t kRingSlots = 32;  // > the scatterers of one path
  Arena ring_;                       // first sightings: kRingSlots reused slots
  std::size_t ring_slot_ = 0, ring_next_ = 0;
  std::vector<std::uint64_t> ring_gen_;
  std::unordered_map<VertexKey, VertexEntry, VertexKeyHash> vertex_cache_;
  std::unordered_map<long long, std::size_t> leg_cache_;                    // → offset in legs_
  Arena vertices_, legs_;
  // scratch reused between paths (no allocation once warmed up)
  std::vector<double> dmat_;                         // per vertex rotation factors
  std::vector<double> dcol_;
  std::vector<double> zr_, zi_;                      // 1/(iρ) of one leg (leg_table)
  std::vector<double> trr_, tri_;                    // chain traces of one path
};

}  // namespace xasforge::scattering
