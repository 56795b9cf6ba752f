// Reading int8 / fp8 KV pools in the attention kernels (dequantize on load): element types for the
// kernels' pool templates (one byte of code each), their code values, and the per-vector fp32
// scales of kv_view.cuh. A stored element is value(code) * scale in fp32, the scale of its
// (slot, kv head) and of its column's group (MLA rows: the latent below scale_split, the rope key
// from it on), exactly what the CPU backend's attention reads.
#pragma once

#include <cstdint>
#include <type_traits>

#include "cuda/kernels/common.cuh"
#include "cuda/kernels/kv_codes.hpp"
#include "cuda/kernels/kv_view.cuh"

namespace archscope::cuda {

struct KvI8 {
  uint8_t bits;
};
struct KvE4M3 {
  uint8_t bits;
};

template <>
__device__ __forceinline__ float to_float<KvI8>(KvI8 v) {
  return kvq::int8_value(v.bits);
}
template <>
__device__ __forceinline__ float to_float<KvE4M3>(KvE4M3 v) {
  return kvq::e4m3_value(v.bits);
}

template <class KT>
inline constexpr bool kv_coded = std::is_same_v<KT, KvI8> || std::is_same_v<KT, KvE4M3>;

template <class KT>
__device__ __forceinline__ KT kv_zero() {
  if constexpr (kv_coded<KT>)
    return KT{0};
  else
    return KT(0.0f);
}

// The two scales of one stored row (s1 == s0 with one group). A plain aggregate, so kernels can
// keep arrays of them in shared memory; unit_scale() for float pools (never read there).
struct RowScale {
  float s0, s1;
};
__device__ __forceinline__ RowScale unit_scale() {
  return {1.0f, 1.0f};
}

__device__ __forceinline__ RowScale kv_row_scale(const float* scales, const KvView& kv,
                                                 int64_t slot, int64_t kvh) {
  const float* p = scales + (slot * kv.kv_heads + kvh) * kv.groups;
  return {p[0], p[kv.groups - 1]};
}

// Element c of a row of pool type KT as fp32: the code's value times its group's scale (coded
// pools), the stored float otherwise.
template <class KT>
__device__ __forceinline__ float kv_dequant(KT v, int64_t c, float s0, float s1, int64_t split) {
  if constexpr (kv_coded<KT>)
    return to_float(v) * (c < split ? s0 : s1);
  else
    return to_float(v);
}

// Element d of the k (is_v false) or v row of (slot, kv head) for any pool type: the naive kernel's
// load.
__device__ __forceinline__ float kv_load(const KvView& kv, bool is_v, int64_t slot, int64_t kvh,
                                         int64_t d) {
  const int64_t dim = is_v ? kv.v_dim : kv.qk_dim;
  const FElem e = is_v ? kv.velem : kv.elem;
  const void* pool = is_v ? kv.v : kv.k;
  const int64_t i = (slot * kv.kv_heads + kvh) * dim + d;
  if (e == FElem::I8 || e == FElem::E4M3) {
    const uint8_t c = static_cast<const uint8_t*>(pool)[i];
    const float* s = (is_v ? kv.v_scale : kv.k_scale) + (slot * kv.kv_heads + kvh) * kv.groups;
    const float value = e == FElem::I8 ? kvq::int8_value(c) : kvq::e4m3_value(c);
    return value * s[d < kv.scale_split ? 0 : kv.groups - 1];
  }
  return load_elem(pool, e, i);
}

}  // namespace archscope::cuda
