// The decode GEMV with the GLU in its epilogue (ops/linear_glu.cu): out[T, F] = act(gate) * up
// where gate | up = x[T, K] . w[2F, K]^T (+ bias), for up to 8 token rows. A block of 8 warps
// streams the gate rows and the up rows of the same outputs (the rows j and F + j, or 2j and
// 2j + 1 when the layout interleaves them), reduces each row exactly as gemv.cu does (same
// 16-byte loads, same per-lane order, same shuffles), meets the two sums in shared memory and
// writes act(gate) * up: one kernel instead of the linear and the glu, and the [T, 2F]
// intermediate never leaves the SM.
#pragma once

#include <cstdint>

#include "backend/op_params.hpp"
#include "cuda/kernels/elem.hpp"

namespace archscope::cuda {

class CudaBackend;

struct GemvGluArgs {
  const float* x = nullptr;
  const void* w = nullptr;      // [2F, K]
  const float* bias = nullptr;  // [2F] or nullptr
  float* out = nullptr;         // [T, F]
  int64_t T = 0, F = 0, K = 0;
  FElem we = FElem::F32;
  GluParams glu;
};

// True when the fused kernel takes the call (T <= 8, K a multiple of the 16-byte chunk, w and x
// 16-byte aligned); false: the caller runs linear then glu.
bool gemv_glu_applies(const GemvGluArgs& a);
void launch_gemv_glu(CudaBackend& be, const GemvGluArgs& a);

}  // namespace archscope::cuda
