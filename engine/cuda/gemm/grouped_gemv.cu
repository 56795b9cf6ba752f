// Grouped GEMV for decode and small batches (few rows per expert): block (x, r) serves the tile of
// up to 8 rows (1 for at most 8 rows in all) of one expert that starts at row r (blocks whose row
// starts no tile return at once), each warp one output of that expert, streaming its weight row
// once for every row of the tile with 16-byte loads, 8 in flight per lane (the dense gemv's loop:
// gemm/gemv.cu), long rows split over up to 8 warps. So one launch covers every selected expert,
// only their weight rows are read, and an expert no row chose costs nothing. fp32 arithmetic on any
// weight dtype.
#include <algorithm>

#include "cuda/gemm/grouped.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/group_rows.cuh"
#include "cuda/kernels/launch.cuh"
#include "cuda/kernels/weight_chunk.cuh"

namespace archscope::cuda {

namespace {

constexpr int kWarps = 8, kUnroll = 8;

struct GemvParams {
  GroupedArgs a;
  int ks;          // warps per weight row (vector path)
  int64_t r_base;  // row of blockIdx.y == 0 (launches of at most 65535 rows)
};

// TILE rows per block: 8, or 1 where every row is likely another expert's (a decode step), which
// keeps the registers (and so more warps resident) of the one-row loop.
template <class W, bool VEC, int TILE>
__global__ void __launch_bounds__(kWarps * 32) grouped_gemv_kernel(GemvParams p) {
  constexpr int kTile = TILE;
  constexpr int EC = 16 / sizeof(W);  // weights per 16-byte chunk
  __shared__ float partial[kWarps][kTile];
  kernel_prologue();
  const GroupedArgs& a = p.a;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, ks = p.ks, slice = warp % ks;
  const int64_t r = p.r_base + blockIdx.y;
  if (blockIdx.x == 0 && r == 0 && warp == 0) check_group_offsets(a.offsets, a.E, a.R, a.err);
  const int e = expert_of_row(a.offsets, a.E, r);
  if (e < 0) return;  // the whole block: e depends on r only
  const int64_t gs = a.offsets[e], ge = min(static_cast<int64_t>(a.offsets[e + 1]), a.R);
  if ((r - gs) % kTile != 0) return;  // not the first row of a tile
  const int rows = static_cast<int>(min(static_cast<int64_t>(kTile), ge - r));
  const int64_t n = static_cast<int64_t>(blockIdx.x) * (kWarps / ks) + warp / ks;
  const W* wrow =
      static_cast<const W*>(a.w) + (static_cast<int64_t>(e) * a.N + (n < a.N ? n : 0)) * a.K;
  const float* xt = a.x + r * a.K;
  float acc[kTile];
#pragma unroll
  for (int t = 0; t < kTile; ++t) acc[t] = 0.0f;
  if (n < a.N) {
    if (VEC) {
      const uint4* wv = reinterpret_cast<const uint4*>(wrow);
      const int64_t chunks = a.K / EC;
      for (int64_t c0 = slice * 32 + lane; c0 < chunks; c0 += 32 * ks * kUnroll) {
        uint4 buf[kUnroll];
#pragma unroll
        for (int u = 0; u < kUnroll; ++u) {
          const int64_t c = c0 + u * 32 * ks;
          buf[u] = c < chunks ? load_stream(wv + c) : make_uint4(0, 0, 0, 0);
        }
#pragma unroll
        for (int u = 0; u < kUnroll; ++u) {
          const int64_t c = c0 + u * 32 * ks;
          if (c < chunks) {
#pragma unroll
            for (int t = 0; t < kTile; ++t)
              if (t < rows) fma_chunk<W>(buf[u], xt + t * a.K + c * EC, acc[t]);
          }
        }
      }
    } else {
      for (int64_t k = lane; k < a.K; k += 32) {
        const float wk = to_float(wrow[k]);
#pragma unroll
        for (int t = 0; t < kTile; ++t)
          if (t < rows) acc[t] = fmaf(wk, xt[t * a.K + k], acc[t]);
      }
    }
  }
#pragma unroll
  for (int t = 0; t < kTile; ++t) acc[t] = warp_sum(acc[t]);
  if (ks > 1) {  // every warp of the block gets here (none returned after the tile test)
    if (lane == 0)
#pragma unroll
      for (int t = 0; t < kTile; ++t) partial[warp][t] = acc[t];
    __syncthreads();
    if (slice != 0) return;
#pragma unroll
    for (int t = 0; t < kTile; ++t) {
      float sum = 0.0f;
      for (int j = 0; j < ks; ++j) sum += partial[warp + j][t];
      acc[t] = sum;
    }
  }
  if (n >= a.N || lane != 0) return;
  const float b = a.bias ? a.bias[static_cast<int64_t>(e) * a.N + n] : 0.0f;
#pragma unroll
  for (int t = 0; t < kTile; ++t)
    if (t < rows) a.out[(r + t) * a.N + n] = acc[t] + b;
}

template <class W>
void launch_typed(CudaBackend& be, const GroupedArgs& a) {
  constexpr int EC = 16 / sizeof(W);
  const bool vec = a.K % EC == 0 && reinterpret_cast<uintptr_t>(a.w) % 16 == 0 &&
                   reinterpret_cast<uintptr_t>(a.x) % 16 == 0;
  // Warps per row: enough that each streams at most kUnroll chunks per lane (one round of loads).
  const int64_t chunks = a.K / EC;
  int ks = 1;
  while (vec && ks < kWarps && chunks > static_cast<int64_t>(32) * kUnroll * ks) ks *= 2;
  constexpr int64_t kMaxGridY = 65535;
  for (int64_t r0 = 0; r0 < a.R; r0 += kMaxGridY) {
    const GemvParams p{a, ks, r0};
    const dim3 grid(ceil_div(a.N, kWarps / ks),
                    static_cast<unsigned>(std::min(kMaxGridY, a.R - r0))),
        block(kWarps * 32);
    if (!vec)
      launch(be, grouped_gemv_kernel<W, false, 8>, grid, block, 0, p);
    else if (a.R <= 8)
      launch(be, grouped_gemv_kernel<W, true, 1>, grid, block, 0, p);
    else
      launch(be, grouped_gemv_kernel<W, true, 8>, grid, block, 0, p);
  }
}

}  // namespace

void launch_grouped_gemv(CudaBackend& be, const GroupedArgs& a) {
  if (a.R == 0 || a.N == 0) return;
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
