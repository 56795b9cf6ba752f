#include <algorithm>
#include <cstdlib>
#include <string>
#include <type_traits>

#include "cuda/gemm/gemv.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"
#include "cuda/kernels/weight_chunk.cuh"

namespace archscope::cuda {

namespace {

constexpr int kWarps = 8;
constexpr int kUnroll =
    8;  // 16-byte weight loads in flight per lane per pass (a 2048-wide bf16 row)

struct GemvParams {
  const float* x;
  const void* w;
  const float* bias;
  float* out;
  int64_t T, N, K;
  int ks;      // warps per weight row (vector path)
  int x_smem;  // stage x in shared memory (vector path)
};

// 16-byte path: K a multiple of the chunk and w, x 16-byte aligned (checked by the launcher).
// A block is 8 warps; `ks` consecutive warps share one weight row, each taking every ks-th run of
// 32 chunks, so every warp issues at most kUnroll loads per lane and then reduces: long rows
// (the down projection, K = 8192) are split over 4 warps and stream in one round instead of four.
// The ks partial sums of a row meet in shared memory.
template <class W, int TT>
__global__ void __launch_bounds__(kWarps * 32) gemv_vec_kernel(GemvParams p) {
  constexpr int E = 16 / sizeof(W);  // weights per 16-byte chunk
  __shared__ float partial[kWarps][TT];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, ks = p.ks, slice = warp % ks;
  const int64_t n = static_cast<int64_t>(blockIdx.x) * (kWarps / ks) + warp / ks;
  const uint4* wrow =
      reinterpret_cast<const uint4*>(static_cast<const W*>(p.w) + (n < p.N ? n : 0) * p.K);
  const int64_t chunks = p.K / E;
  // While the previous kernel drains (programmatic dependent launch), pull the lines of this
  // warp's first pass into L2: L2 is the coherence point, so this can never serve stale data, and
  // one pass per resident warp (a few MB in all) stays well inside L2.
  // Lane l takes line l % 4 (8 chunks) of this warp's run l / 4: the kUnroll runs of one pass.
  {
    const int64_t c = slice * 32 + static_cast<int64_t>(lane / 4) * 32 * ks + (lane % 4) * 8;
    if (n < p.N && c < chunks) asm volatile("prefetch.global.L2 [%0];" ::"l"(wrow + c));
  }
  kernel_prologue();
  // With x_smem the block first copies its token rows of x to shared memory (one pass over
  // T * K floats), so the per-chunk activation reads are shared loads rather than L1 lookups.
  extern __shared__ float4 xsm4[];
  const float* xb = p.x;
  if (p.x_smem) {
    const float4* src = reinterpret_cast<const float4*>(p.x);
    for (int64_t i = threadIdx.x; i < p.T * p.K / 4; i += blockDim.x) xsm4[i] = src[i];
    __syncthreads();
    xb = reinterpret_cast<const float*>(xsm4);
  }
  float acc[TT];
#pragma unroll
  for (int t = 0; t < TT; ++t) acc[t] = 0.0f;
  if (n < p.N) {
    for (int64_t c0 = slice * 32 + lane; c0 < chunks; c0 += 32 * ks * kUnroll) {
      uint4 wv[kUnroll];
#pragma unroll
      for (int u = 0; u < kUnroll; ++u) {
        const int64_t c = c0 + u * 32 * ks;
        wv[u] = c < chunks ? load_stream(wrow + c) : make_uint4(0, 0, 0, 0);
      }
#pragma unroll
      for (int u = 0; u < kUnroll; ++u) {
        const int64_t c = c0 + u * 32 * ks;
        if (c < chunks) {
#pragma unroll
          for (int t = 0; t < TT; ++t)
            if (t < p.T) fma_chunk<W>(wv[u], xb + t * p.K + c * E, acc[t]);
        }
      }
    }
  }
#pragma unroll
  for (int t = 0; t < TT; ++t) acc[t] = warp_sum(acc[t]);
  if (ks > 1) {
    if (lane == 0)
#pragma unroll
      for (int t = 0; t < TT; ++t) partial[warp][t] = acc[t];
    __syncthreads();
    if (slice != 0) return;
#pragma unroll
    for (int t = 0; t < TT; ++t) {
      float sum = 0.0f;
      for (int j = 0; j < ks; ++j) sum += partial[warp + j][t];
      acc[t] = sum;
    }
  }
  if (n >= p.N || lane != 0) return;
#pragma unroll
  for (int t = 0; t < TT; ++t)
    if (t < p.T) p.out[t * p.N + n] = acc[t] + (p.bias ? p.bias[n] : 0.0f);
}

// Any K and alignment: one element at a time, still a warp per row.
template <class W>
__global__ void __launch_bounds__(kWarps * 32) gemv_scalar_kernel(GemvParams p) {
  kernel_prologue();
  constexpr int TT = 4;
  const int lane = threadIdx.x & 31;
  const int64_t n = static_cast<int64_t>(blockIdx.x) * kWarps + (threadIdx.x >> 5);
  if (n >= p.N) return;
  const W* wrow = static_cast<const W*>(p.w) + n * p.K;
  float acc[TT] = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int64_t k = lane; k < p.K; k += 32) {
    const float wk = to_float(wrow[k]);
#pragma unroll
    for (int t = 0; t < TT; ++t)
      if (t < p.T) acc[t] = fmaf(wk, p.x[t * p.K + k], acc[t]);
  }
#pragma unroll
  for (int t = 0; t < TT; ++t) {
    if (t >= p.T) break;
    const float s = warp_sum(acc[t]);
    if (lane == 0) p.out[t * p.N + n] = s + (p.bias ? p.bias[n] : 0.0f);
  }
}

// Experiment switch for the benchmark (ARCHSCOPE_GEMV_X=smem): activations from shared memory
// instead of through L1. Default: through L1.
bool x_in_smem() {
  static const bool on = [] {
    const char* v = std::getenv("ARCHSCOPE_GEMV_X");
    return v && std::string(v) == "smem";
  }();
  return on;
}

template <class W>
void launch_typed(CudaBackend& be, const GemvArgs& a) {
  constexpr int E = 16 / sizeof(W);
  const bool vec = a.K % E == 0 && reinterpret_cast<uintptr_t>(a.w) % 16 == 0 &&
                   reinterpret_cast<uintptr_t>(a.x) % 16 == 0;
  // Warps per row: enough that each streams at most kUnroll chunks per lane (one round of loads).
  const int64_t chunks = a.K / E;
  int ks = 1;
  while (vec && ks < kWarps && chunks > static_cast<int64_t>(32) * kUnroll * ks) ks *= 2;
  const dim3 grid(ceil_div(a.N, vec ? kWarps / ks : kWarps)), block(kWarps * 32);
  const int tt_max = vec ? 8 : 4;
  for (int64_t t0 = 0; t0 < a.T; t0 += tt_max) {
    GemvParams p{};
    p.x = a.x + t0 * a.K;
    p.w = a.w;
    p.bias = a.bias;
    p.out = a.out + t0 * a.N;
    p.T = std::min<int64_t>(tt_max, a.T - t0);
    p.N = a.N;
    p.K = a.K;
    p.ks = ks;
    const size_t xbytes = static_cast<size_t>(p.T * p.K) * sizeof(float);
    p.x_smem = vec && x_in_smem() && xbytes <= 96 * 1024;
    const unsigned smem = p.x_smem ? static_cast<unsigned>(xbytes) : 0;
    if (p.x_smem) {
      static bool raised[3][4] = {};
      const int tt = p.T == 1 ? 0 : p.T == 2 ? 1 : p.T <= 4 ? 2 : 3;
      const int wi = sizeof(W) == 4 ? 0 : std::is_same_v<W, __half> ? 1 : 2;
      if (!raised[wi][tt]) {
        raised[wi][tt] = true;
        if (tt == 0) allow_smem(gemv_vec_kernel<W, 1>, 96 * 1024);
        if (tt == 1) allow_smem(gemv_vec_kernel<W, 2>, 96 * 1024);
        if (tt == 2) allow_smem(gemv_vec_kernel<W, 4>, 96 * 1024);
        if (tt == 3) allow_smem(gemv_vec_kernel<W, 8>, 96 * 1024);
      }
    }
    if (!vec)
      launch(be, gemv_scalar_kernel<W>, grid, block, 0, p);
    else if (p.T == 1)
      launch(be, gemv_vec_kernel<W, 1>, grid, block, smem, p);
    else if (p.T == 2)
      launch(be, gemv_vec_kernel<W, 2>, grid, block, smem, p);
    else if (p.T <= 4)
      launch(be, gemv_vec_kernel<W, 4>, grid, block, smem, p);
    else
      launch(be, gemv_vec_kernel<W, 8>, grid, block, smem, p);
  }
}

}  // namespace

void launch_gemv(CudaBackend& be, const GemvArgs& a) {
  if (a.T == 0 || a.N == 0) return;
  switch (a.we) {
    case FElem::BF16:
      return launch_typed<__nv_bfloat16>(be, a);
    case FElem::F16:
      return launch_typed<__half>(be, a);
    default:
      return launch_typed<float>(be, a);
  }
}

}  // namespace archscope::cuda
