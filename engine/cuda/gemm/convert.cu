#include "cuda/gemm/convert.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/elementwise.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {

struct Bf16Params {
  const float* x;
  __nv_bfloat16* out;
  int64_t n;
};

__global__ void to_bf16_kernel(Bf16Params p) {
  kernel_prologue();
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  const int64_t i0 = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if ((reinterpret_cast<uintptr_t>(p.x) | reinterpret_cast<uintptr_t>(p.out)) % 16 == 0) {
    const int64_t n4 = p.n / 4;
    for (int64_t i = i0; i < n4; i += stride) {
      const float4 v = reinterpret_cast<const float4*>(p.x)[i];
      __nv_bfloat162 a = __floats2bfloat162_rn(v.x, v.y), b = __floats2bfloat162_rn(v.z, v.w);
      uint2 packed;
      packed.x = *reinterpret_cast<uint32_t*>(&a);
      packed.y = *reinterpret_cast<uint32_t*>(&b);
      reinterpret_cast<uint2*>(p.out)[i] = packed;
    }
    for (int64_t i = n4 * 4 + i0; i < p.n; i += stride) p.out[i] = __float2bfloat16_rn(p.x[i]);
  } else {
    for (int64_t i = i0; i < p.n; i += stride) p.out[i] = __float2bfloat16_rn(p.x[i]);
  }
}

struct WidenParams {
  const __nv_bfloat16* x;
  float* out;
  int64_t n;
};

__global__ void bf16_to_f32_kernel(WidenParams p) {
  kernel_prologue();
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < p.n;
       i += stride)
    p.out[i] = __bfloat162float(p.x[i]);
}

struct F16Params {
  const float* x;
  __half* out;
  float* scales;
  int64_t K;
};

__global__ void rows_to_f16_kernel(F16Params p) {
  kernel_prologue();
  __shared__ float red[32];
  const float* xr = p.x + static_cast<int64_t>(blockIdx.x) * p.K;
  __half* yr = p.out + static_cast<int64_t>(blockIdx.x) * p.K;
  float m = 0.0f;
  for (int64_t i = threadIdx.x; i < p.K; i += blockDim.x) m = fmaxf(m, fabsf(xr[i]));
  m = block_max(m, red);
  // 2^e with m / 2^e in [2^13, 2^14): scaled values stay below 2^14 < 65504.
  int e = 0;
  if (m > 0.0f && isfinite(m)) {
    frexpf(m, &e);                    // m = f * 2^e, f in [0.5, 1)
    e = max(-100, min(100, e - 14));  // tiny rows: a bounded scale-up, never an infinite one
  }
  const float inv = ldexpf(1.0f, -e);
  for (int64_t i = threadIdx.x; i < p.K; i += blockDim.x) yr[i] = __float2half_rn(xr[i] * inv);
  if (threadIdx.x == 0) p.scales[blockIdx.x] = ldexpf(1.0f, e);
}

struct ScaleParams {
  float* y;
  const float* scales;
  const float* bias;
  int64_t T, N;
};

__global__ void scale_rows_kernel(ScaleParams p) {
  kernel_prologue();
  const int64_t n = p.T * p.N, stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += stride) {
    const float v = p.y[i] * p.scales[i / p.N];
    p.y[i] = p.bias ? v + p.bias[i % p.N] : v;
  }
}

}  // namespace

void convert_to_bf16(CudaBackend& be, const float* x, void* out, int64_t n) {
  Bf16Params p{x, static_cast<__nv_bfloat16*>(out), n};
  launch(be, to_bf16_kernel, dim3(elementwise_grid(n / 4 + 1, be.sm_count())), dim3(256), 0, p);
}

void convert_bf16_to_f32(CudaBackend& be, const void* x, float* out, int64_t n) {
  WidenParams p{static_cast<const __nv_bfloat16*>(x), out, n};
  launch(be, bf16_to_f32_kernel, dim3(elementwise_grid(n, be.sm_count())), dim3(256), 0, p);
}

void convert_rows_to_f16(CudaBackend& be, const float* x, void* out, float* scales, int64_t T,
                         int64_t K) {
  F16Params p{x, static_cast<__half*>(out), scales, K};
  launch(be, rows_to_f16_kernel, dim3(static_cast<unsigned>(T)), dim3(256), 0, p);
}

void scale_rows_add_bias(CudaBackend& be, float* y, const float* scales, const float* bias,
                         int64_t T, int64_t N) {
  ScaleParams p{y, scales, bias, T, N};
  launch(be, scale_rows_kernel, dim3(elementwise_grid(T * N, be.sm_count())), dim3(256), 0, p);
}

}  // namespace archscope::cuda
