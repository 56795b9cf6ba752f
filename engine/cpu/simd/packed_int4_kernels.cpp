// int4-g128 packed blocks (quant/packed_layout.hpp BlockInt4G128: fp16 s, u8 z, pad, 64 bytes of
// nibbles; element i < 64 = low nibble of qs[i], i >= 64 = high nibble of qs[i - 64]) read directly
// by the decode GEMV and the prefill's dequantization (packed_format_driver-inl.h).
// Highway foreach_target: this file is re-included once per target with HWY_NAMESPACE set.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "cpu/simd/packed_int4_kernels.cpp"
// clang-format off
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"
// clang-format on

#include <cstring>

#include "cpu/simd/packed_format_driver-inl.h"  // per target, after highway.h
#include "cpu/simd/packed_format_kernels.hpp"
#include "quant/formats.hpp"
#include "quant/packed_layout.hpp"

HWY_BEFORE_NAMESPACE();
namespace archscope::cpu::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using namespace packed_format_detail;
using packed_format_driver::DF;

// Code values q - z (exact small integers in fp32), widened 16 bytes at a time.
struct Int4G128 {
  static constexpr int64_t kB = quant::kInt4G128Block;
  static constexpr size_t kBytes = sizeof(quant::BlockInt4G128);
  static HWY_INLINE void Decode(const uint8_t* blk, int64_t, float* v) {
    const DF df;
    const hn::Rebind<int32_t, DF> di;
    const hn::Rebind<uint8_t, DF> d8;
    const size_t L = hn::Lanes(df);
    const auto z = hn::Set(df, static_cast<float>(blk[2]));
    const uint8_t* qs = blk + 4;
    for (size_t u = 0; u < 64; u += L) {
      const auto b = hn::PromoteTo(di, hn::LoadU(d8, qs + u));
      hn::Store(hn::Sub(hn::ConvertTo(df, hn::And(b, hn::Set(di, 15))), z), df, v + u);
      hn::Store(hn::Sub(hn::ConvertTo(df, hn::ShiftRight<4>(b)), z), df, v + 64 + u);
    }
  }
  static HWY_INLINE float Scale(const uint8_t* blk) {
    uint16_t h;
    std::memcpy(&h, blk, sizeof h);
    return half_to_float(h);
  }
};

void Int4G128DotRows(const uint8_t* w, size_t rb, const float* rs, int64_t rows,
                     const float* const* x, int nx, size_t K, float* out, size_t os) {
  packed_format_driver::DotRows<Int4G128>(w, rb, rs, rows, x, nx, K, out, os);
}
void Int4G128Dequantize(const uint8_t* w, size_t rb, const float* rs, int64_t nb, int64_t K,
                        float* out, int64_t ldo) {
  packed_format_driver::DequantizeRows<Int4G128>(w, rb, rs, nb, K, out, ldo);
}
}  // namespace archscope::cpu::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace archscope::cpu {

HWY_EXPORT(Int4G128DotRows);
HWY_EXPORT(Int4G128Dequantize);

void packed_format_detail::int4_g128_dot_rows(const uint8_t* w, size_t rb, const float* rs,
                                              int64_t rows, const float* const* x, int nx, size_t K,
                                              float* out, size_t os) {
  HWY_DYNAMIC_DISPATCH(Int4G128DotRows)(w, rb, rs, rows, x, nx, K, out, os);
}

void packed_format_detail::int4_g128_dequantize(const uint8_t* w, size_t rb, const float* rs,
                                                int64_t nb, int64_t K, float* out, int64_t ldo) {
  HWY_DYNAMIC_DISPATCH(Int4G128Dequantize)(w, rb, rs, nb, K, out, ldo);
}
}  // namespace archscope::cpu
#endif
