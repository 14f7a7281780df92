// SIMD kernels of the Rehr–Albers calculator (docs/physics.md (E3.5), (E3.7), (E3.10)) and their
// run-time dispatch. Moved unchanged from rehr_albers.cpp; built at -O3 like it.
#include "core/scattering/rehr_albers_kernels.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace xasforge::scattering::kernels {

namespace {

// Energy lanes: every per-energy array is padded to a multiple of kLanes and processed kLanes
// energies at a time with GCC/Clang vector types (one AVX2 register; two SSE2 halves in the
// baseline clone). Pad energies carry t_l = 0 and z = 0, so they contribute nothing.
typedef double v4d __attribute__((vector_size(kLanes * sizeof(double))));

inline void ld(v4d& x, const double* p) { std::memcpy(&x, p, sizeof x); }
inline void st(double* p, const v4d& x) { std::memcpy(p, &x, sizeof x); }

// Up to kChunkMax unique F entries sharing (mo, ni), every block of kLanes energies (§3.5):
//   F_k = Σ_{l ≤ lhi} D_k[l] · t_l c̃_l^{(mo)}(z_out) c̃_l^{(ni)}(z_in).
// t, c_out and c_in point at l = 0 of this block; successive l are `tstride`/`cstride` apart.
// Every energy block of one chunk: `lb[block]` is the block's largest l, `bstride` the distance
// between blocks in the output table; t, c_out, c_in point at l = 0, energy 0.
template <int K>
__attribute__((always_inline)) inline void vertex_chunk(int nblk, const int* lb, const double* tr, const double* ti,
                                                        std::size_t tstride, const double* cor, const double* coi,
                                                        const double* cir, const double* cii, std::size_t cstride,
                                                        const double* const* d, double* const* out, double* const* mirror,
                                                        const double* msign, std::size_t bstride) {
  for (int b = 0; b < nblk; ++b) {
    const std::size_t e0 = static_cast<std::size_t>(b) * kLanes;
    const int lhi = lb[b];
    v4d ar[K], ai[K];
    for (int k = 0; k < K; ++k) {
      ar[k] = v4d{0.0, 0.0, 0.0, 0.0};
      ai[k] = v4d{0.0, 0.0, 0.0, 0.0};
    }
    for (int l = 0; l <= lhi; ++l) {
      v4d t_r, t_i, o_r, o_i, i_r, i_i;
      const std::size_t to = static_cast<std::size_t>(l) * tstride + e0;
      const std::size_t co = static_cast<std::size_t>(l) * cstride + e0;
      ld(t_r, tr + to);
      ld(t_i, ti + to);
      ld(i_r, cir + co);
      ld(i_i, cii + co);
      ld(o_r, cor + co);
      ld(o_i, coi + co);
      const v4d x_r = t_r * i_r - t_i * i_i;
      const v4d x_i = t_r * i_i + t_i * i_r;
      const v4d w_r = o_r * x_r - o_i * x_i;
      const v4d w_i = o_r * x_i + o_i * x_r;
      for (int k = 0; k < K; ++k) {
        const double dl = d[k][l];
        ar[k] += dl * w_r;
        ai[k] += dl * w_i;
      }
    }
    const std::size_t bo = static_cast<std::size_t>(b) * bstride;
    for (int k = 0; k < K; ++k) {  // the entry and its (−μ, −μ′) mirror (re then im lanes)
      st(out[k] + bo, ar[k]);
      st(out[k] + bo + kLanes, ai[k]);
      st(mirror[k] + bo, msign[k] * ar[k]);
      st(mirror[k] + bo + kLanes, msign[k] * ai[k]);
    }
  }
}


// The F-core of one scatterer for every energy (§3.5), energy blocks outermost so that the
// accumulators stay in registers. Instantiated for AVX2/FMA and for the baseline below.
__attribute__((always_inline)) inline void vertex_kernel_body(const VertexJob& job) {
  const std::size_t nep = job.nep;
  const std::size_t cstride = static_cast<std::size_t>(job.mcw) * nep;
  const std::size_t bstride = static_cast<std::size_t>(job.nfull) * (2 * kLanes);
  for (int c = 0; c < job.n_chunks; ++c) {
    const int kk = job.chunk_k[c];
    const double* d[kChunkMax];
    double* out[kChunkMax];
    double* mir[kChunkMax];
    double msg[kChunkMax];
    for (int k = 0; k < kk; ++k) {
      const int u = job.chunk_u[c * kChunkMax + k];
      d[k] = job.dmat + static_cast<std::size_t>(job.chunk_pair[c * kChunkMax + k]) * static_cast<std::size_t>(job.nl);
      out[k] = job.table + static_cast<std::size_t>(job.ufull[u]) * (2 * kLanes);
      mir[k] = job.table + static_cast<std::size_t>(job.mfull[u]) * (2 * kLanes);
      msg[k] = job.msign[u];
    }
    const double* cor = job.coutr + static_cast<std::size_t>(job.chunk_mo[c]) * nep;
    const double* coi = job.couti + static_cast<std::size_t>(job.chunk_mo[c]) * nep;
    const double* cir = job.cinr + static_cast<std::size_t>(job.chunk_ni[c]) * nep;
    const double* cii = job.cini + static_cast<std::size_t>(job.chunk_ni[c]) * nep;
    switch (kk) {
      case 1: vertex_chunk<1>(job.nblk, job.lmax_blk, job.tr, job.ti, nep, cor, coi, cir, cii, cstride, d, out, mir, msg, bstride); break;
      case 2: vertex_chunk<2>(job.nblk, job.lmax_blk, job.tr, job.ti, nep, cor, coi, cir, cii, cstride, d, out, mir, msg, bstride); break;
      case 3: vertex_chunk<3>(job.nblk, job.lmax_blk, job.tr, job.ti, nep, cor, coi, cir, cii, cstride, d, out, mir, msg, bstride); break;
      case 4: vertex_chunk<4>(job.nblk, job.lmax_blk, job.tr, job.ti, nep, cor, coi, cir, cii, cstride, d, out, mir, msg, bstride); break;
      case 5: vertex_chunk<5>(job.nblk, job.lmax_blk, job.tr, job.ti, nep, cor, coi, cir, cii, cstride, d, out, mir, msg, bstride); break;
      default: vertex_chunk<6>(job.nblk, job.lmax_blk, job.tr, job.ti, nep, cor, coi, cir, cii, cstride, d, out, mir, msg, bstride); break;
    }
  }
}


// §3.8: T = Tr(M F^{(N−1)} ⋯ F^{(1)}), F^{(j)}_{cb} = e^{−iμ_c η_{j+1}} Fcore_cb, kLanes energies
// at a time (the λ×λ products are tiny, so vectorising over energy is what pays).
// L0, LX > 0 fix the λ-set sizes at compile time (the common K-edge sets), 0 takes them from job.
template <int L0, int LX>
__attribute__((always_inline)) inline void chain_kernel_body(const ChainJob& job) {
  const int laml0 = L0 > 0 ? L0 : job.laml0, lamx = LX > 0 ? LX : job.lamx;
  v4d qr[kMaxLam][kMaxLam], qi[kMaxLam][kMaxLam];
  v4d pr[kMaxLam][kMaxLam], pi[kMaxLam][kMaxLam];
  v4d xr[1][kMaxLam], xi[1][kMaxLam];  // row of Q times e^{−iμη}
  for (int blk = 0; blk < job.nblk; ++blk) {
    const std::size_t e0 = static_cast<std::size_t>(blk) * kLanes;
    const int j_last = job.n_sc - 1;
    // Q = M: M_ab = e^{−iμ_a η_1} c̃^{(ν_a+|μ_a|)}_{l0}(z_1) R_ab c̃^{(ν_b)}_{l0}(z_N).
    for (int a = 0; a < laml0; ++a) {
      v4d c_r, c_i;
      ld(c_r, job.c1r[a] + e0);
      ld(c_i, job.c1i[a] + e0);
      const double ar = job.azr[job.n_sc][a], ai = job.azi[job.n_sc][a];
      const v4d g_r = c_r * ar - c_i * ai;
      const v4d g_i = c_r * ai + c_i * ar;
      for (int b = 0; b < laml0; ++b) {
        v4d n_r, n_i;
        ld(n_r, job.cnr[b] + e0);
        ld(n_i, job.cni[b] + e0);
        const double m = job.mrot[a * kMaxLam + b];
        qr[a][b] = m * (g_r * n_r - g_i * n_i);
        qi[a][b] = m * (g_r * n_i + g_i * n_r);
      }
    }
    int qcols = laml0;
    for (int j = j_last; j >= 1; --j) {
      // F^{(j)} of this block: entry (c, b) at f + (c * lamx + b) * 2 kLanes (re, then im lanes).
      const double* f = job.vt[j] + static_cast<std::size_t>(blk) * static_cast<std::size_t>(lamx * lamx) * (2 * kLanes);
      for (int a = 0; a < laml0; ++a) {
        for (int c = 0; c < qcols; ++c) {
          const double ar = job.azr[j][c], ai = job.azi[j][c];
          xr[0][c] = qr[a][c] * ar - qi[a][c] * ai;
          xi[0][c] = qr[a][c] * ai + qi[a][c] * ar;
        }
        for (int b = 0; b < lamx; ++b) {
          v4d sr = {0.0, 0.0, 0.0, 0.0}, si = {0.0, 0.0, 0.0, 0.0};
          for (int c = 0; c < qcols; ++c) {
            v4d f_r, f_i;
            const double* fe = f + static_cast<std::size_t>(c * lamx + b) * (2 * kLanes);
            ld(f_r, fe);
            ld(f_i, fe + kLanes);
            sr += xr[0][c] * f_r - xi[0][c] * f_i;
            si += xr[0][c] * f_i + xi[0][c] * f_r;
          }
          pr[a][b] = sr;
          pi[a][b] = si;
        }
      }
      for (int a = 0; a < laml0; ++a) {
        for (int b = 0; b < lamx; ++b) {
          qr[a][b] = pr[a][b];
          qi[a][b] = pi[a][b];
        }
      }
      qcols = lamx;
    }
    const double* f = job.vt[0] + static_cast<std::size_t>(blk) * static_cast<std::size_t>(lamx * lamx) * (2 * kLanes);
    v4d tr = {0.0, 0.0, 0.0, 0.0}, ti = {0.0, 0.0, 0.0, 0.0};
    for (int a = 0; a < laml0; ++a) {
      for (int c = 0; c < qcols; ++c) {
        const double ar = job.azr[0][c], ai = job.azi[0][c];
        const v4d x_r = qr[a][c] * ar - qi[a][c] * ai;
        const v4d x_i = qr[a][c] * ai + qi[a][c] * ar;
        v4d f_r, f_i;
        const double* fe = f + static_cast<std::size_t>(c * lamx + a) * (2 * kLanes);
        ld(f_r, fe);
        ld(f_i, fe + kLanes);
        tr += x_r * f_r - x_i * f_i;
        ti += x_r * f_i + x_i * f_r;
      }
    }
    st(job.trr + e0, tr);
    st(job.tri + e0, ti);
  }
}

// §3.3 for every energy at once: c̃_0 = 1, c̃_1^{(0)} = 1 − z, c̃_1^{(1)} = −z,
// c̃_{l+1}^{(m)} = c̃_{l−1}^{(m)} − (2l+1) z (c̃_l^{(m)} + c̃_l^{(m−1)}); SoA [(l * (mc+1) + m) * nep + ie].
// Energy blocks innermost (independent, so the l recursion is not latency-bound); at step l only
// the blocks whose own largest l (lb[block]) needs l + 1 are advanced. Entries above a block's lb
// are left unset and never read.
__attribute__((always_inline)) inline void leg_kernel_body(std::size_t nep, const int* lb, int lmax, int mc,
                                                           const double* zr, const double* zi, double* re, double* im) {
  const std::size_t mcw = static_cast<std::size_t>(mc + 1);
  const std::size_t nblk = nep / kLanes;
  auto at = [&](int l, int m) { return (static_cast<std::size_t>(l) * mcw + static_cast<std::size_t>(m)) * nep; };
  const int lrows = std::min(lmax, 1);
  std::fill_n(re, static_cast<std::size_t>(lrows + 1) * mcw * nep, 0.0);
  std::fill_n(im, static_cast<std::size_t>(lrows + 1) * mcw * nep, 0.0);
  for (std::size_t ie = 0; ie < nep; ++ie) re[at(0, 0) + ie] = 1.0;
  if (lmax < 1) return;
  for (std::size_t ie = 0; ie < nep; ++ie) {
    re[at(1, 0) + ie] = 1.0 - zr[ie];
    im[at(1, 0) + ie] = -zi[ie];
  }
  if (mc >= 1) {
    for (std::size_t ie = 0; ie < nep; ++ie) {
      re[at(1, 1) + ie] = -zr[ie];
      im[at(1, 1) + ie] = -zi[ie];
    }
  }
  for (int l = 1; l < lmax; ++l) {
    const double f = 2.0 * l + 1.0;
    for (int m = 0; m <= static_cast<int>(mc); ++m) {
      for (std::size_t blk = 0; blk < nblk; ++blk) {
        if (lb[blk] <= l) continue;
        const std::size_t e0 = blk * kLanes;
        v4d z_r, z_i, c_r, c_i, p_r, p_i;
        ld(z_r, zr + e0);
        ld(z_i, zi + e0);
        ld(c_r, re + at(l, m) + e0);
        ld(c_i, im + at(l, m) + e0);
        ld(p_r, re + at(l - 1, m) + e0);
        ld(p_i, im + at(l - 1, m) + e0);
        if (m > 0) {
          v4d o_r, o_i;
          ld(o_r, re + at(l, m - 1) + e0);
          ld(o_i, im + at(l, m - 1) + e0);
          c_r += o_r;
          c_i += o_i;
        }
        const v4d fzr = f * z_r, fzi = f * z_i;
        st(re + at(l + 1, m) + e0, p_r - (fzr * c_r - fzi * c_i));
        st(im + at(l + 1, m) + e0, p_i - (fzr * c_i + fzi * c_r));
      }
    }
  }
}

// Runtime dispatch on the CPU's features (target_clones("arch=haswell") dispatches on the CPU
// model and falls back to the baseline on newer AVX2 machines, so it is not used).
__attribute__((target("avx2,fma"))) void vertex_kernel_avx2(const VertexJob& job) { vertex_kernel_body(job); }
void vertex_kernel_base(const VertexJob& job) { vertex_kernel_body(job); }
template <int L0, int LX>
__attribute__((target("avx2,fma"))) void chain_kernel_avx2(const ChainJob& job) { chain_kernel_body<L0, LX>(job); }
template <int L0, int LX>
void chain_kernel_base(const ChainJob& job) { chain_kernel_body<L0, LX>(job); }

bool cpu_has_avx2_fma() {
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
}
void vertex_kernel_impl(const VertexJob& job) { cpu_has_avx2_fma() ? vertex_kernel_avx2(job) : vertex_kernel_base(job); }
template <int L0, int LX>
void chain_kernel_sized(const ChainJob& job) {
  cpu_has_avx2_fma() ? chain_kernel_avx2<L0, LX>(job) : chain_kernel_base<L0, LX>(job);
}
void chain_kernel_impl(const ChainJob& job) {
  // K edge, iorder 2: MS (laml0 4, 6 λ) and SS (6, 6); anything else generic.
  if (job.laml0 == 4 && job.lamx == 6) return chain_kernel_sized<4, 6>(job);
  if (job.laml0 == 6 && job.lamx == 6) return chain_kernel_sized<6, 6>(job);
  chain_kernel_sized<0, 0>(job);
}
__attribute__((target("avx2,fma"))) void leg_kernel_avx2(std::size_t nep, const int* lb, int lmax, int mc, const double* zr,
                                                         const double* zi, double* re, double* im) {
  leg_kernel_body(nep, lb, lmax, mc, zr, zi, re, im);
}
void leg_kernel_base(std::size_t nep, const int* lb, int lmax, int mc, const double* zr, const double* zi, double* re,
                     double* im) {
  leg_kernel_body(nep, lb, lmax, mc, zr, zi, re, im);
}
void leg_kernel_impl(std::size_t nep, const int* lb, int lmax, int mc, const double* zr, const double* zi, double* re, double* im) {
  cpu_has_avx2_fma() ? leg_kernel_avx2(nep, lb, lmax, mc, zr, zi, re, im)
                     : leg_kernel_base(nep, lb, lmax, mc, zr, zi, re, im);
}

}  // namespace

void leg_kernel(std::size_t nep, const int* lb, int lmax, int mc, const double* zr, const double* zi, double* re, double* im) {
  leg_kernel_impl(nep, lb, lmax, mc, zr, zi, re, im);
}
void vertex_kernel(const VertexJob& job) { vertex_kernel_impl(job); }
void chain_kernel(const ChainJob& job) { chain_kernel_impl(job); }

}  // namespace xasforge::scattering::kernels
