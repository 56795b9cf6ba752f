// 16-byte weight chunks against fp32 activations, shared by the weight-streaming kernels (gemv,
// grouped_linear): a chunk holds 4 fp32, 8 bf16 or 8 fp16 weights; fma_chunk adds their products
// with the matching activations (16-byte aligned) to an fp32 accumulator.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>

namespace archscope::cuda {

template <class W>
__device__ __forceinline__ void fma_chunk(const uint4& raw, const float* xk, float& acc);

template <>
__device__ __forceinline__ void fma_chunk<float>(const uint4& raw, const float* xk, float& acc) {
  const float4 xv = *reinterpret_cast<const float4*>(xk);
  acc = fmaf(__uint_as_float(raw.x), xv.x, acc);
  acc = fmaf(__uint_as_float(raw.y), xv.y, acc);
  acc = fmaf(__uint_as_float(raw.z), xv.z, acc);
  acc = fmaf(__uint_as_float(raw.w), xv.w, acc);
}

__device__ __forceinline__ float lo_bf16(uint32_t u) {
  return __uint_as_float(u << 16);
}
__device__ __forceinline__ float hi_bf16(uint32_t u) {
  return __uint_as_float(u & 0xffff0000u);
}

template <>
__device__ __forceinline__ void fma_chunk<__nv_bfloat16>(const uint4& raw, const float* xk,
                                                         float& acc) {
  const float4 a = *reinterpret_cast<const float4*>(xk),
               b = *reinterpret_cast<const float4*>(xk + 4);
  acc = fmaf(lo_bf16(raw.x), a.x, acc);
  acc = fmaf(hi_bf16(raw.x), a.y, acc);
  acc = fmaf(lo_bf16(raw.y), a.z, acc);
  acc = fmaf(hi_bf16(raw.y), a.w, acc);
  acc = fmaf(lo_bf16(raw.z), b.x, acc);
  acc = fmaf(hi_bf16(raw.z), b.y, acc);
  acc = fmaf(lo_bf16(raw.w), b.z, acc);
  acc = fmaf(hi_bf16(raw.w), b.w, acc);
}

template <>
__device__ __forceinline__ void fma_chunk<__half>(const uint4& raw, const float* xk, float& acc) {
  const float4 a = *reinterpret_cast<const float4*>(xk),
               b = *reinterpret_cast<const float4*>(xk + 4);
  const __half2* h = reinterpret_cast<const __half2*>(&raw);
  const float2 h0 = __half22float2(h[0]), h1 = __half22float2(h[1]), h2 = __half22float2(h[2]),
               h3 = __half22float2(h[3]);
  acc = fmaf(h0.x, a.x, acc);
  acc = fmaf(h0.y, a.y, acc);
  acc = fmaf(h1.x, a.z, acc);
  acc = fmaf(h1.y, a.w, acc);
  acc = fmaf(h2.x, b.x, acc);
  acc = fmaf(h2.y, b.y, acc);
  acc = fmaf(h3.x, b.z, acc);
  acc = fmaf(h3.y, b.w, acc);
}

__device__ __forceinline__ uint4 load_stream(const uint4* p) {
  uint4 v;
  asm("ld.global.nc.L1::no_allocate.v4.u32 {%0, %1, %2, %3}, [%4];"
      : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
      : "l"(p));
  return v;
}

}  // namespace archscope::cuda
