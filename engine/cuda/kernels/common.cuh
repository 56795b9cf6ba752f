// Device helpers shared by the CUDA ops: element loads in the three float storage types,
// warp/block reductions, the device error word, and the ceil-div every launch uses.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "cuda/device_errors.hpp"
#include "cuda/kernels/elem.hpp"

namespace archscope::cuda {

__device__ __forceinline__ float load_elem(const void* p, FElem e, int64_t i) {
  switch (e) {
    case FElem::BF16:
      return __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]);
    case FElem::F16:
      return __half2float(static_cast<const __half*>(p)[i]);
    default:
      return static_cast<const float*>(p)[i];
  }
}

// Round to the storage type: round to nearest even, as the CPU backend's f32_to_bf16/f32_to_f16.
__device__ __forceinline__ void store_elem(void* p, FElem e, int64_t i, float v) {
  switch (e) {
    case FElem::BF16:
      static_cast<__nv_bfloat16*>(p)[i] = __float2bfloat16_rn(v);
      break;
    case FElem::F16:
      static_cast<__half*>(p)[i] = __float2half_rn(v);
      break;
    default:
      static_cast<float*>(p)[i] = v;
      break;
  }
}

template <class T>
__device__ __forceinline__ float to_float(T v);
template <>
__device__ __forceinline__ float to_float<float>(float v) {
  return v;
}
template <>
__device__ __forceinline__ float to_float<__nv_bfloat16>(__nv_bfloat16 v) {
  return __bfloat162float(v);
}
template <>
__device__ __forceinline__ float to_float<__half>(__half v) {
  return __half2float(v);
}

__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}
__device__ __forceinline__ float warp_max(float v) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}
__device__ __forceinline__ double warp_sum_d(double v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

// Sum over the block (blockDim.x a multiple of 32, at most 1024); every thread gets the result.
// `scratch` holds 32 values; the call ends with a barrier so scratch can be reused at once.
template <class T>
__device__ __forceinline__ T block_sum(T v, T* scratch) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  T r = lane < warps ? scratch[lane] : T(0);
  for (int o = 16; o > 0; o >>= 1) r += __shfl_xor_sync(0xffffffffu, r, o);
  __syncthreads();
  return r;
}

__device__ __forceinline__ float block_max(float v, float* scratch) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
  v = warp_max(v);
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  float r = lane < warps ? scratch[lane] : -INFINITY;
  r = warp_max(r);
  __syncthreads();
  return r;
}

// Records the first failed index check of a launch sequence; the host reads it at synchronize()
// and throws (Validation) naming the op, the index and the bound. The offending access is
// skipped, so a bad id never reads or writes out of bounds.
__device__ __forceinline__ void report(DeviceErrors* e, DeviceCheck check, int64_t value,
                                       int64_t bound, int64_t extra = 0) {
  if (atomicCAS(&e->code, 0, static_cast<int>(check)) == 0) {
    e->value = static_cast<long long>(value);
    e->bound = static_cast<long long>(bound);
    e->extra = static_cast<long long>(extra);
    __threadfence_system();
  }
}

inline unsigned ceil_div(int64_t a, int64_t b) {
  return static_cast<unsigned>((a + b - 1) / b);
}

}  // namespace archscope::cuda
