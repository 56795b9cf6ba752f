// Weight-streaming matrix-vector kernel for decode and small batches: out[T, N] = x[T, K] . w^T
// with fp32 arithmetic on fp32/bf16/fp16 weights, bound by the bytes of w. Each warp streams one
// weight row with 16-byte loads (several in flight per lane) against up to 8 token rows of x,
// reduces with shuffles and writes T outputs; 8 warps (8 rows) per block.
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
  int64_t T = 0, N = 0, K = 0;
  FElem we = FElem::F32;
};

void launch_gemv(CudaBackend& be, const GemvArgs& a);

}  // namespace archscope::cuda
