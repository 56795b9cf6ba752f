// Weight-streaming matrix-vector kernel for decode and small batches: out[T, N] = x[T, K] . w^T
// with fp32 arithmetic on fp32/bf16/fp16 weights, bound by the bytes of w. A warp streams a
// weight row with 16-byte loads (8 in flight per lane) against up to 8 token rows of x, reduces
// with shuffles and writes T outputs; 8-warp blocks, long rows split over up to 8 warps. With
// `stream` (linear=gemv-stream), rows of one pass (K <= 2048 bf16) go to a persistent grid whose
// warps walk several rows each with the next row's loads in flight (gemv.cu: what it measured).
#pragma once

#include <cstdint>

#include "cuda/kernels/elem.hpp"

namespace archscope::cuda {

class CudaBackend;

struct GemvArgs {
  const float* x = nullptr;
  const void* w = nullptr;
  const float* bias = nullptr;
  float* out = nullptr;
  // linear_residual: out = residual + (x . w^T + bias), read and written by the same thread, so
  // residual may be out itself (the residual stream updated in place).
  const float* residual = nullptr;
  int64_t T = 0, N = 0, K = 0;
  FElem we = FElem::F32;
  bool stream =
      false;  // the persistent kernel for one-pass rows (kernel choice linear=gemv-stream)
};

void launch_gemv(CudaBackend& be, const GemvArgs& a);

}  // namespace archscope::cuda
