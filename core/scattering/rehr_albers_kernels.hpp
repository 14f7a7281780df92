#pragma once
/// SIMD kernels of the Rehr–Albers calculator and their run-time dispatch (AVX2/FMA or the
/// baseline). Internal to core/scattering: RehrAlbersCalculator fills the job structs, and the
/// kernels evaluate (E3.5), (E3.7) and (E3.10) of docs/physics.md for kLanes energies at a time.
/// hankel_coefficients() (rehr_albers.hpp) calls leg_kernel, so the tests exercise this code.
#include <cstddef>

namespace xasforge::scattering::kernels {

// Energy lanes: every per-energy array is padded to a multiple of kLanes; pad energies carry
// t_l = 0 and z = 0, so they contribute nothing.
constexpr int kLanes = 4;
constexpr std::size_t kChunkMax = 6;  // unique entries sharing one t c̃ c̃ product in the vertex kernel
constexpr int kMaxLam = 16;           // λ-set size for iorder ≤ 4 (MS) and 15 for L2,3 SS
constexpr int kMaxLegs = 10;

struct VertexJob {
  int nblk = 0;
  std::size_t nep = 0;
  const int* lmax_blk = nullptr;    // per block
  const double* tr = nullptr;       // t_l SoA of the potential, [l * nep + ie]
  const double* ti = nullptr;
  const double* cinr = nullptr;     // leg tables [(l * mcw + m) * nep + ie]
  const double* cini = nullptr;
  const double* coutr = nullptr;
  const double* couti = nullptr;
  int mcw = 0;
  int n_chunks = 0;
  const int* chunk_mo = nullptr;
  const int* chunk_ni = nullptr;
  const int* chunk_k = nullptr;
  const int* chunk_u = nullptr;     // [chunk * kChunkMax + k]
  const int* chunk_pair = nullptr;  // [chunk * kChunkMax + k]
  const double* dmat = nullptr;     // [pair * nl + l]
  int nl = 0;
  const int* ufull = nullptr;       // unique entry → full index row * nlam + col
  const int* mfull = nullptr;       // unique entry → full index of its mirror
  const double* msign = nullptr;    // unique entry → sign of the mirror
  int nfull = 0;                    // nlam²
  double* table = nullptr;          // block-major [((block * nfull + full) * 2 + re/im) * kLanes + lane]
};

struct ChainJob {
  int nblk = 0;
  std::size_t nep = 0;
  int laml0 = 0, lamx = 0, n_sc = 0;
  const double* vt[kMaxLegs] = {};          // vertex tables of the scatterers
  double azr[kMaxLegs][kMaxLam] = {};       // e^{−iμ_a η} of F^{(j)} (j = n−1: of M)
  double azi[kMaxLegs][kMaxLam] = {};
  const double* c1r[kMaxLam] = {};          // c̃_{l0}^{(ν+|μ|)} of leg 1 for row a of M
  const double* c1i[kMaxLam] = {};
  const double* cnr[kMaxLam] = {};          // c̃_{l0}^{(ν)} of leg N for column b of M
  const double* cni[kMaxLam] = {};
  double mrot[kMaxLam * kMaxLam] = {};      // termination rotation factors
  double* trr = nullptr;                    // output: Tr(M F ⋯ F) per energy
  double* tri = nullptr;
};

/// c̃_l^{(m)}(z) (E3.5) for every energy: SoA [(l * (mc+1) + m) * nep + ie]; lb[block] is the
/// largest l block `block` needs (entries above it are left unset).
void leg_kernel(std::size_t nep, const int* lb, int lmax, int mc, const double* zr, const double* zi, double* re, double* im);
/// F-core entries of one scatterer for every energy (E3.7), without the azimuthal phase.
void vertex_kernel(const VertexJob& job);
/// T = Tr(M F^{(N−1)} ⋯ F^{(1)}) per energy (E3.10).
void chain_kernel(const ChainJob& job);

}  // namespace xasforge::scattering::kernels
