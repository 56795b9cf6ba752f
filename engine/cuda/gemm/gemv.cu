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
  const float* residual;  // or nullptr (GemvArgs::residual)
  int64_t T, N, K;
  int ks;      // warps per weight row (vector path)
  int x_smem;  // stage x in shared memory (vector path)
  int ahead;   // persistent path: passes prefetched into L2 ahead of the one being loaded
};

// One output: the row's sum (bias included), added to the residual for linear_residual (as
// add(h, y, 1, h) would: one fp32 addition).
__device__ __forceinline__ void store_out(const GemvParams& p, int64_t i, float y) {
  p.out[i] = p.residual ? p.residual[i] + y : y;
}

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
    if (t < p.T) store_out(p, t * p.N + n, acc[t] + (p.bias ? p.bias[n] : 0.0f));
}

// Persistent, software-pipelined 16-byte path (linear=gemv-stream): the grid is what fits on the
// device at once and each warp walks its rows gw, gw + GW, ... (GW warps in the grid) one pass at a
// time, a pass being up to kUnroll chunks per lane of one row (a 2048-wide bf16 row is one pass,
// the down projection's 8192 four). The loads of the next pass are issued before the current one is
// multiplied and reduced, so every warp keeps a pass of loads in flight from its first row to its
// last and no block ever starts late: the launch, ramp-up and last-wave costs of a grid of short
// blocks are paid once per kernel instead of once per row. Each row is reduced by the one warp
// that streamed it (no atomics): the sum order is fixed, the result deterministic.
template <class W, int TT>
__global__ void __launch_bounds__(kWarps * 32) gemv_stream_kernel(GemvParams p) {
  constexpr int E = 16 / sizeof(W);
  constexpr int64_t kSpan = 32 * kUnroll;  // chunks per pass
  const int lane = threadIdx.x & 31;
  const int64_t gw = static_cast<int64_t>(blockIdx.x) * kWarps + (threadIdx.x >> 5);
  const int64_t GW = static_cast<int64_t>(gridDim.x) * kWarps;
  const int64_t chunks = p.K / E, parts = (chunks + kSpan - 1) / kSpan;
  const int64_t rows = gw < p.N ? (p.N - 1 - gw) / GW + 1 : 0, passes = rows * parts;
  // Lane l's line (8 chunks) of pass q into L2: one pass is 32 lines. Prefetches take no
  // registers, so they add bytes in flight beyond the two passes of loads the registers hold.
  auto prefetch_pass = [&](int64_t q) {
    const int64_t row = gw + (q / parts) * GW, c = (q % parts) * kSpan + lane * 8;
    if (q < passes && c < chunks && lane * 8 < kSpan)
      asm volatile("prefetch.global.L2 [%0];" ::"l"(
          reinterpret_cast<const uint4*>(static_cast<const W*>(p.w) + row * p.K) + c));
  };
  // The first passes into L2 while the previous kernel drains (see gemv_vec_kernel).
  for (int q = 0; q <= min(p.ahead, 1); ++q) prefetch_pass(q);
  kernel_prologue();
  auto load_pass = [&](int64_t q, uint4(&buf)[kUnroll]) {
    if (p.ahead > 0) prefetch_pass(q + p.ahead);
    const int64_t row = gw + (q / parts) * GW, c0 = (q % parts) * kSpan + lane;
    const uint4* wrow = reinterpret_cast<const uint4*>(static_cast<const W*>(p.w) + row * p.K);
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int64_t c = c0 + u * 32;
      buf[u] = c < chunks ? load_stream(wrow + c) : make_uint4(0, 0, 0, 0);
    }
  };
  float acc[TT];
#pragma unroll
  for (int t = 0; t < TT; ++t) acc[t] = 0.0f;
  // Multiplies pass q (its loads in buf) into acc; after the row's last pass, reduces and stores.
  auto use_pass = [&](int64_t q, const uint4(&buf)[kUnroll]) {
    const int64_t c0 = (q % parts) * kSpan + lane;
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int64_t c = c0 + u * 32;
      if (c < chunks) {
#pragma unroll
        for (int t = 0; t < TT; ++t)
          if (t < p.T) fma_chunk<W>(buf[u], p.x + t * p.K + c * E, acc[t]);
      }
    }
    if (q % parts != parts - 1) return;
    const int64_t row = gw + (q / parts) * GW;
#pragma unroll
    for (int t = 0; t < TT; ++t) {
      const float s = warp_sum(acc[t]);
      acc[t] = 0.0f;
      if (lane == 0 && t < p.T) store_out(p, t * p.N + row, s + (p.bias ? p.bias[row] : 0.0f));
    }
  };
  uint4 a[kUnroll], b[kUnroll];
  if (passes > 0) load_pass(0, a);
  for (int64_t q = 0; q < passes; q += 2) {
    if (q + 1 < passes) load_pass(q + 1, b);
    use_pass(q, a);
    if (q + 1 >= passes) break;
    if (q + 2 < passes) load_pass(q + 2, a);
    use_pass(q + 1, b);
  }
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
    if (lane == 0) store_out(p, t * p.N + n, s + (p.bias ? p.bias[n] : 0.0f));
  }
}

// With linear=gemv-stream, the persistent kernel takes the rows of one pass (K up to 2048
// bf16/fp16, 1024 fp32: q/k/v/o, gate|up, the LM head) and the blocks keep the longer rows (the
// down projection: there the blocks' K split over 4 warps keeps more loads in flight than one
// warp walking the row: 13.5 against 15.0 us for 2048 x 8192). Why it is not the default (H200,
// 2026-12-01, weights rotated past L2): it streams no faster than the blocks (gate|up 20.9 us
// both, LM head 36.4 / 36.8, q/o 4.6 / 5.4, k/v 3.2 / 3.0) and bench-1b decode took 1.350 ms
// with it (and 2 passes of L2 look-ahead, since found slower) against 1.342 with the blocks in
// the same process: the per-kernel cost is not the blocks' launch and ramp. The persistent
// kernel handles rows of several passes too.
bool use_stream(int64_t chunks) {
  return chunks <= 32 * kUnroll;
}

// L2 prefetch distance of the persistent kernel in passes (ARCHSCOPE_GEMV_AHEAD=N, 0 to 4, the
// benchmark's switch; default 0: 2 passes ahead made it slower, gate|up 23.2 against 20.9 us and
// the LM head 41.3 against 36.4, H200 2026-12-01).
int gemv_ahead() {
  static const int n = [] {
    const char* v = std::getenv("ARCHSCOPE_GEMV_AHEAD");
    const long a = v ? std::strtol(v, nullptr, 10) : 0;
    return static_cast<int>(std::clamp<long>(a, 0, 4));
  }();
  return n;
}

// Blocks of the persistent kernel: as many as the device holds at once, fewer when N is small.
template <class W, int TT>
unsigned stream_grid(CudaBackend& be, int64_t N) {
  static const int per_sm = [] {
    int n = 0;
    if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&n, gemv_stream_kernel<W, TT>, kWarps * 32,
                                                      0) != cudaSuccess ||
        n < 1)
      n = 1;
    return n;
  }();
  const int64_t full = static_cast<int64_t>(per_sm) * be.sm_count();
  return static_cast<unsigned>(std::max<int64_t>(1, std::min<int64_t>(full, ceil_div(N, kWarps))));
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

// Experiment switch for the benchmark (ARCHSCOPE_GEMV_KS=N, 1 to 8, a power of two): at least N
// warps per weight row (split-K inside the block). Default 1: on the H200 (2026-12-01, weights
// rotated past L2, graph-replayed, us for KS = 1 / 2 / 4) only the k/v matrix gains (512x2048:
// 3.00 / 2.51 / 2.29), which decode runs inside q|k|v (5.79 / 6.42 / 7.93); o 5.28 / 5.44 /
// 5.93, gate|up 20.9 / 22.7 / 35.1, down (4 warps already) 13.7 / 13.6 / 13.6.
int gemv_min_ks() {
  static const int n = [] {
    const char* v = std::getenv("ARCHSCOPE_GEMV_KS");
    const long a = v ? std::strtol(v, nullptr, 10) : 1;
    int k = 1;
    while (k * 2 <= std::clamp<long>(a, 1, kWarps)) k *= 2;
    return k;
  }();
  return n;
}

template <class W>
void launch_typed(CudaBackend& be, const GemvArgs& a) {
  constexpr int E = 16 / sizeof(W);
  const bool vec = a.K % E == 0 && reinterpret_cast<uintptr_t>(a.w) % 16 == 0 &&
                   reinterpret_cast<uintptr_t>(a.x) % 16 == 0;
  // Warps per row: enough that each streams at most kUnroll chunks per lane (one round of loads).
  const int64_t chunks = a.K / E;
  int ks =
      vec ? std::min<int>(gemv_min_ks(), static_cast<int>(std::max<int64_t>(1, chunks / 32))) : 1;
  while (vec && ks < kWarps && chunks > static_cast<int64_t>(32) * kUnroll * ks) ks *= 2;
  const dim3 grid(ceil_div(a.N, vec ? kWarps / ks : kWarps)), block(kWarps * 32);
  const int tt_max = vec ? 8 : 4;
  for (int64_t t0 = 0; t0 < a.T; t0 += tt_max) {
    GemvParams p{};
    p.x = a.x + t0 * a.K;
    p.w = a.w;
    p.bias = a.bias;
    p.out = a.out + t0 * a.N;
    p.residual = a.residual ? a.residual + t0 * a.N : nullptr;
    p.T = std::min<int64_t>(tt_max, a.T - t0);
    p.N = a.N;
    p.K = a.K;
    p.ks = ks;
    p.ahead = gemv_ahead();
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
    if (vec && !p.x_smem && a.stream && use_stream(chunks)) {
      if (p.T == 1)
        launch(be, gemv_stream_kernel<W, 1>, dim3(stream_grid<W, 1>(be, a.N)), block, 0, p);
      else if (p.T == 2)
        launch(be, gemv_stream_kernel<W, 2>, dim3(stream_grid<W, 2>(be, a.N)), block, 0, p);
      else if (p.T <= 4)
        launch(be, gemv_stream_kernel<W, 4>, dim3(stream_grid<W, 4>(be, a.N)), block, 0, p);
      else
        launch(be, gemv_stream_kernel<W, 8>, dim3(stream_grid<W, 8>(be, a.N)), block, 0, p);
    } else if (!vec)
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
