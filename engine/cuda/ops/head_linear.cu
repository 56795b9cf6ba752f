// out[t, h, :] = w[h] . x[t, h, :] for every head: MLA's absorbed projections (W_uk^T on the
// queries, W_uv on the attention output), one [N, K] matrix per head, all tokens and heads in one
// launch. Grid (8 weight rows per block over H * N rows, tiles of 8 tokens); each warp streams one
// weight row once per token tile with fp32 arithmetic (the gemv kernel's inner loop: 16-byte loads
// where K and the pointers allow), so every weight dtype agrees with the CPU backend to fp32
// rounding.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"
#include "cuda/kernels/weight_chunk.cuh"

namespace archscope::cuda {

namespace {

constexpr int kWarps = 8, kTokens = 8;

struct HeadLinearParams {
  const float* x;
  const void* w;
  float* out;
  int64_t T, H, N, K;
};

template <class W, bool VEC>
__global__ void __launch_bounds__(kWarps * 32) head_linear_kernel(HeadLinearParams p) {
  kernel_prologue();
  const int lane = threadIdx.x & 31;
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kWarps + (threadIdx.x >> 5);  // h * N + n
  const int64_t t0 = static_cast<int64_t>(blockIdx.y) * kTokens;
  if (row >= p.H * p.N) return;
  const int64_t h = row / p.N;
  const int tokens = static_cast<int>(p.T - t0 < kTokens ? p.T - t0 : kTokens);
  const W* wrow = static_cast<const W*>(p.w) + row * p.K;
  const int64_t ldx = p.H * p.K;
  const float* xh = p.x + t0 * ldx + h * p.K;
  float acc[kTokens];
#pragma unroll
  for (int j = 0; j < kTokens; ++j) acc[j] = 0.0f;
  if (VEC) {
    constexpr int EC = 16 / sizeof(W);
    const uint4* wv = reinterpret_cast<const uint4*>(wrow);
    for (int64_t c = lane; c < p.K / EC; c += 32) {
      const uint4 raw = load_stream(wv + c);
#pragma unroll
      for (int j = 0; j < kTokens; ++j)
        if (j < tokens) fma_chunk<W>(raw, xh + j * ldx + c * EC, acc[j]);
    }
  } else {
    for (int64_t c = lane; c < p.K; c += 32) {
      const float wk = to_float(wrow[c]);
#pragma unroll
      for (int j = 0; j < kTokens; ++j)
        if (j < tokens) acc[j] = fmaf(wk, xh[j * ldx + c], acc[j]);
    }
  }
  const int64_t ldy = p.H * p.N;
#pragma unroll
  for (int j = 0; j < kTokens; ++j) {
    const float v = warp_sum(acc[j]);
    if (lane == 0 && j < tokens) p.out[(t0 + j) * ldy + row] = v;
  }
}

template <class W>
void launch_head_linear(CudaBackend& be, const HeadLinearParams& p, bool vec) {
  const dim3 grid(static_cast<unsigned>(ceil_div(p.H * p.N, kWarps)),
                  static_cast<unsigned>(ceil_div(p.T, kTokens)));
  const dim3 block(kWarps * 32);
  if (vec)
    launch(be, head_linear_kernel<W, true>, grid, block, 0, p);
  else
    launch(be, head_linear_kernel<W, false>, grid, block, 0, p);
}

}  // namespace

void CudaBackend::head_linear(Stream& s, const Tensor& x, const Tensor& w, Tensor& out) {
  const char* op = "head_linear";
  CudaBackend& be = cuda_of(*this, s, op);
  const contract::HeadLinearDims d = contract::check_head_linear(x, w, out);
  HeadLinearParams p{};
  p.x = in_f32(x, op, "x");
  check_owned(w, op, "w");
  p.w = dptr(w);
  p.out = out_f32(out, op, "out");
  p.T = d.tokens;
  p.H = d.heads;
  p.K = d.in;
  p.N = d.out;
  if (p.T == 0 || p.H == 0 || p.N == 0) return;
  if (p.K == 0) return fill(s, out, 0.0f);
  // 16-byte chunks need K a multiple of the chunk and 16-byte aligned rows of x and w.
  const int64_t chunk = w.elem() == Elem::F32 ? 4 : 8;
  const auto aligned = [](const void* q) { return reinterpret_cast<uintptr_t>(q) % 16 == 0; };
  const bool vec = p.K % chunk == 0 && p.K % 4 == 0 && aligned(p.x) && aligned(p.w) &&
                   (p.K * static_cast<int64_t>(sizeof(float))) % 16 == 0;
  switch (w.elem()) {
    case Elem::F32:
      return launch_head_linear<float>(be, p, vec);
    case Elem::BF16:
      return launch_head_linear<__nv_bfloat16>(be, p, vec);
    default:
      return launch_head_linear<__half>(be, p, vec);
  }
}

}  // namespace archscope::cuda
