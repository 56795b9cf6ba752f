// The element an activation producer writes (Backend::linear_input_elem): fp32 as computed, or
// bf16 rounded to nearest even (__float2bfloat16_rn: the rounding gemm/convert.cu's conversion
// pass applies, so a bf16 written here is the value the GEMM would have been handed anyway).
#pragma once

#include <cuda_bf16.h>

namespace archscope::cuda {

template <class Y>
__device__ __forceinline__ Y activation_out(float v);
template <>
__device__ __forceinline__ float activation_out<float>(float v) {
  return v;
}
template <>
__device__ __forceinline__ __nv_bfloat16 activation_out<__nv_bfloat16>(float v) {
  return __float2bfloat16_rn(v);
}

}  // namespace archscope::cuda
