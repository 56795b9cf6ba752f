// GLU over many rows (prefill): a 2-D grid (column blocks x rows), each thread 4 adjacent
// outputs from 16-byte loads of gate and up, no per-element division. Same formulas and the same
// fp32 arithmetic as ops/glu.cu's grid-stride kernel (which keeps the rows it does not take:
// decode rows, widths not a multiple of 4, unaligned tensors).
#pragma once

#include <cstdint>

#include "backend/op_params.hpp"
#include "cuda/kernels/activation_math.cuh"
#include "cuda/kernels/activation_out.cuh"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

struct GluRowsParams {
  const float* x;  // [T, 2F]: gate then up, or gate/up interleaved
  void* out;       // [T, F], float or __nv_bfloat16 (rounded to nearest even)
  int64_t T, F;
  int kind;
  float limit, alpha;
};

__device__ __forceinline__ float glu_value(int kind, float g, float u, float limit, float alpha) {
  switch (static_cast<GluKind>(kind)) {
    case GluKind::GeGluTanh:
      return gelu_tanh(g) * u;
    case GluKind::GeGluExact:
      return gelu_exact(g) * u;
    case GluKind::SwiGluClamped:
      g = fminf(g, limit);
      u = fminf(fmaxf(u, -limit), limit);
      return (u + 1.0f) * (g * sigmoid(g * alpha));
    default:
      return silu(g) * u;
  }
}

// 4 outputs of one row to y + i (16 bytes of float, 8 of bf16; i a multiple of 4).
__device__ __forceinline__ void store4(float* y, int64_t i, const float (&v)[4]) {
  *reinterpret_cast<float4*>(y + i) = make_float4(v[0], v[1], v[2], v[3]);
}
__device__ __forceinline__ void store4(__nv_bfloat16* y, int64_t i, const float (&v)[4]) {
  __nv_bfloat162 a = __floats2bfloat162_rn(v[0], v[1]), b = __floats2bfloat162_rn(v[2], v[3]);
  uint2 packed;
  packed.x = *reinterpret_cast<uint32_t*>(&a);
  packed.y = *reinterpret_cast<uint32_t*>(&b);
  *reinterpret_cast<uint2*>(y + i) = packed;
}

template <bool Interleaved, class Y>
__global__ void __launch_bounds__(256) glu_rows_kernel(GluRowsParams p) {
  kernel_prologue();
  const int64_t t = blockIdx.y, f = (static_cast<int64_t>(blockIdx.x) * 256 + threadIdx.x) * 4;
  if (f >= p.F) return;
  const float* row = p.x + t * 2 * p.F;
  float g[4], u[4];
  if (Interleaved) {
    const float4 a = *reinterpret_cast<const float4*>(row + 2 * f);
    const float4 b = *reinterpret_cast<const float4*>(row + 2 * f + 4);
    g[0] = a.x, u[0] = a.y, g[1] = a.z, u[1] = a.w, g[2] = b.x, u[2] = b.y, g[3] = b.z, u[3] = b.w;
  } else {
    const float4 a = *reinterpret_cast<const float4*>(row + f);
    const float4 b = *reinterpret_cast<const float4*>(row + p.F + f);
    g[0] = a.x, g[1] = a.y, g[2] = a.z, g[3] = a.w, u[0] = b.x, u[1] = b.y, u[2] = b.z, u[3] = b.w;
  }
  float y[4];
#pragma unroll
  for (int i = 0; i < 4; ++i) y[i] = glu_value(p.kind, g[i], u[i], p.limit, p.alpha);
  store4(static_cast<Y*>(p.out), t * p.F + f, y);
}

// Launches the 2-D kernel when it applies (16+ rows, F a multiple of 4, 16-byte aligned rows);
// returns false otherwise.
template <class Y>
inline bool glu_rows(CudaBackend& be, const GluRowsParams& p, bool interleaved) {
  if (p.T < 16 || p.T > 65535 || p.F % 4 != 0 || reinterpret_cast<uintptr_t>(p.x) % 16 != 0 ||
      reinterpret_cast<uintptr_t>(p.out) % 16 != 0)
    return false;
  const dim3 grid(static_cast<unsigned>((p.F / 4 + 255) / 256), static_cast<unsigned>(p.T));
  if (interleaved)
    launch(be, glu_rows_kernel<true, Y>, grid, dim3(256), 0, p);
  else
    launch(be, glu_rows_kernel<false, Y>, grid, dim3(256), 0, p);
  return true;
}

}  // namespace archscope::cuda
