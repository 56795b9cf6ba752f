#include <algorithm>

#include "cuda/gemm/gemv_glu.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/glu_rows.cuh"
#include "cuda/kernels/launch.cuh"
#include "cuda/kernels/weight_chunk.cuh"

namespace archscope::cuda {

namespace {

constexpr int kWarps = 8;
constexpr int kUnroll = 8;  // 16-byte loads in flight per lane per pass, as gemv.cu

struct GemvGluParams {
  const float* x;
  const void* w;
  const float* bias;
  float* out;
  int64_t T, F, K;
  int ks;  // warps per weight row: 1, 2 or 4 (a block holds 8 / ks rows, half gate, half up)
  int interleaved, kind;
  float limit, alpha;
};

// Block b takes outputs j = b * P .. b * P + P - 1 with P = 8 / ks / 2: its first P row slots are
// their gate rows, the next P their up rows. Slot r is streamed by warps r * ks .. r * ks + ks - 1
// (each every ks-th run of 32 chunks, as gemv_vec_kernel), whose partial sums meet in shared
// memory; the gate and up sums of output j then meet there too.
template <class W, int TT>
__global__ void __launch_bounds__(kWarps * 32) gemv_glu_kernel(GemvGluParams p) {
  constexpr int E = 16 / sizeof(W);
  __shared__ float partial[kWarps][TT];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, ks = p.ks, slice = warp % ks;
  const int slots = kWarps / ks, pairs = slots / 2, slot = warp / ks;
  const bool is_up = slot >= pairs;
  const int64_t j = static_cast<int64_t>(blockIdx.x) * pairs + (is_up ? slot - pairs : slot);
  const bool live = j < p.F;
  const int64_t row = !live ? 0 : p.interleaved ? 2 * j + (is_up ? 1 : 0) : (is_up ? p.F : 0) + j;
  const uint4* wrow = reinterpret_cast<const uint4*>(static_cast<const W*>(p.w) + row * p.K);
  const int64_t chunks = p.K / E;
  // This warp's first pass into L2 while the previous kernel drains (see gemv_vec_kernel).
  {
    const int64_t c = slice * 32 + static_cast<int64_t>(lane / 4) * 32 * ks + (lane % 4) * 8;
    if (live && c < chunks) asm volatile("prefetch.global.L2 [%0];" ::"l"(wrow + c));
  }
  kernel_prologue();
  float acc[TT];
#pragma unroll
  for (int t = 0; t < TT; ++t) acc[t] = 0.0f;
  if (live) {
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
            if (t < p.T) fma_chunk<W>(wv[u], p.x + t * p.K + c * E, acc[t]);
        }
      }
    }
  }
#pragma unroll
  for (int t = 0; t < TT; ++t) acc[t] = warp_sum(acc[t]);
  if (lane == 0)
#pragma unroll
    for (int t = 0; t < TT; ++t) partial[warp][t] = acc[t];
  __syncthreads();
  // The first warp of each gate slot finishes output j: its row's ks partial sums in the order
  // gemv_vec_kernel adds them, the same for the up row, then the activation.
  if (is_up || slice != 0 || !live || lane >= TT || lane >= p.T) return;
  const int t = lane, up_warp = (slot + pairs) * ks;
  float g = 0.0f, u = 0.0f;
  if (ks == 1) {
    g = partial[warp][t];
    u = partial[up_warp][t];
  } else {
    for (int i = 0; i < ks; ++i) g += partial[warp + i][t];
    for (int i = 0; i < ks; ++i) u += partial[up_warp + i][t];
  }
  if (p.bias) {
    const int64_t gr = p.interleaved ? 2 * j : j, ur = p.interleaved ? 2 * j + 1 : p.F + j;
    g += p.bias[gr];
    u += p.bias[ur];
  }
  p.out[t * p.F + j] = glu_value(p.kind, g, u, p.limit, p.alpha);
}

template <class W>
void launch_typed(CudaBackend& be, const GemvGluArgs& a) {
  constexpr int E = 16 / sizeof(W);
  // Warps per row as gemv.cu picks them (each warp at most kUnroll loads per lane per round), at
  // most 4 so that a block holds a gate row and its up row.
  const int64_t chunks = a.K / E;
  int ks = 1;
  while (ks < 4 && chunks > static_cast<int64_t>(32) * kUnroll * ks) ks *= 2;
  const int pairs = kWarps / ks / 2;
  GemvGluParams p{};
  p.x = a.x;
  p.w = a.w;
  p.bias = a.bias;
  p.out = a.out;
  p.T = a.T;
  p.F = a.F;
  p.K = a.K;
  p.ks = ks;
  p.interleaved = a.glu.layout == GluLayout::Interleaved;
  p.kind = static_cast<int>(a.glu.kind);
  p.limit = a.glu.limit;
  p.alpha = a.glu.alpha;
  const dim3 grid(ceil_div(a.F, pairs)), block(kWarps * 32);
  if (a.T == 1)
    launch(be, gemv_glu_kernel<W, 1>, grid, block, 0, p);
  else if (a.T == 2)
    launch(be, gemv_glu_kernel<W, 2>, grid, block, 0, p);
  else if (a.T <= 4)
    launch(be, gemv_glu_kernel<W, 4>, grid, block, 0, p);
  else
    launch(be, gemv_glu_kernel<W, 8>, grid, block, 0, p);
}

}  // namespace

bool gemv_glu_applies(const GemvGluArgs& a) {
  const int64_t e = a.we == FElem::F32 ? 4 : 8;
  return a.T >= 1 && a.T <= 8 && a.K > 0 && a.K % e == 0 &&
         reinterpret_cast<uintptr_t>(a.w) % 16 == 0 && reinterpret_cast<uintptr_t>(a.x) % 16 == 0;
}

void launch_gemv_glu(CudaBackend& be, const GemvGluArgs& a) {
  if (a.T == 0 || a.F == 0) return;
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
