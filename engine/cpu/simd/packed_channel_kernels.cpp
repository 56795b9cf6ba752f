// int8-channel, fp8-e4m3-channel and fp8-e4m3-block128 rows (K one-byte codes: int8, or OCP E4M3
// bits; the row's fp32 scale(s) beside them, Tensor::quant) read directly by the decode GEMV and
// the prefill's dequantization (packed_format_driver-inl.h). A row is walked in chunks of 128
// codes; the scale is the row's (channel formats) or the chunk's (block128: the scale of the
// 128 x 128 block the chunk lies in, one per 128 columns of the row; the driver multiplies the
// per-chunk sums by it).
// Highway foreach_target: this file is re-included once per target with HWY_NAMESPACE set.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "cpu/simd/packed_channel_kernels.cpp"
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

// int8 codes widened in vector lanes; a partial chunk reads only its n codes.
struct Int8Channel {
  static constexpr int64_t kB = 128;
  static constexpr size_t kBytes = 128;
  static HWY_INLINE void Decode(const uint8_t* blk, int64_t n, float* v) {
    const DF df;
    const hn::Rebind<int32_t, DF> di;
    const hn::Rebind<int8_t, DF> d8;
    const size_t L = hn::Lanes(df);
    const int8_t* q = reinterpret_cast<const int8_t*>(blk);
    if (n == kB) {
      for (size_t u = 0; u < static_cast<size_t>(kB); u += L)
        hn::Store(hn::ConvertTo(df, hn::PromoteTo(di, hn::LoadU(d8, q + u))), df, v + u);
      return;
    }
    for (int64_t i = 0; i < n; ++i) v[i] = static_cast<float>(q[i]);
  }
  static HWY_INLINE float Scale(const uint8_t*) { return 1.0f; }
};

// E4M3 codes through the 256-entry value table (quant::e4m3_decode's values).
struct Fp8Channel {
  static constexpr int64_t kB = 128;
  static constexpr size_t kBytes = 128;
  static HWY_INLINE void Decode(const uint8_t* blk, int64_t n, float* v) {
    for (int64_t i = 0; i < n; ++i) v[i] = kE4M3Values[blk[i]];
  }
  static HWY_INLINE float Scale(const uint8_t*) { return 1.0f; }
};

// fp8-e4m3-block128: the E4M3 codes of Fp8Channel, one scale per 128-column chunk of the row.
struct Fp8Block128 : Fp8Channel {
  static constexpr bool kScalePerBlock = true;
};

void Int8ChannelDotRows(const uint8_t* w, size_t rb, const float* rs, int64_t rows,
                        const float* const* x, int nx, size_t K, float* out, size_t os) {
  packed_format_driver::DotRows<Int8Channel>(w, rb, rs, rows, x, nx, K, out, os);
}
void Int8ChannelDequantize(const uint8_t* w, size_t rb, const float* rs, int64_t nb, int64_t K,
                           float* out, int64_t ldo) {
  packed_format_driver::DequantizeRows<Int8Channel>(w, rb, rs, nb, K, out, ldo);
}

void Fp8ChannelDotRows(const uint8_t* w, size_t rb, const float* rs, int64_t rows,
                       const float* const* x, int nx, size_t K, float* out, size_t os) {
  packed_format_driver::DotRows<Fp8Channel>(w, rb, rs, rows, x, nx, K, out, os);
}
void Fp8ChannelDequantize(const uint8_t* w, size_t rb, const float* rs, int64_t nb, int64_t K,
                          float* out, int64_t ldo) {
  packed_format_driver::DequantizeRows<Fp8Channel>(w, rb, rs, nb, K, out, ldo);
}

void Fp8Block128DotRows(const uint8_t* w, size_t rb, const float* rs, int64_t rows,
                        const float* const* x, int nx, size_t K, float* out, size_t os) {
  packed_format_driver::DotRows<Fp8Block128>(w, rb, rs, rows, x, nx, K, out, os);
}
void Fp8Block128Dequantize(const uint8_t* w, size_t rb, const float* rs, int64_t nb, int64_t K,
                           float* out, int64_t ldo) {
  packed_format_driver::DequantizeRows<Fp8Block128>(w, rb, rs, nb, K, out, ldo);
}
}  // namespace archscope::cpu::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace archscope::cpu {

HWY_EXPORT(Int8ChannelDotRows);
HWY_EXPORT(Int8ChannelDequantize);

void packed_format_detail::int8_channel_dot_rows(const uint8_t* w, size_t rb, const float* rs,
                                                 int64_t rows, const float* const* x, int nx,
                                                 size_t K, float* out, size_t os) {
  HWY_DYNAMIC_DISPATCH(Int8ChannelDotRows)(w, rb, rs, rows, x, nx, K, out, os);
}

void packed_format_detail::int8_channel_dequantize(const uint8_t* w, size_t rb, const float* rs,
                                                   int64_t nb, int64_t K, float* out, int64_t ldo) {
  HWY_DYNAMIC_DISPATCH(Int8ChannelDequantize)(w, rb, rs, nb, K, out, ldo);
}

HWY_EXPORT(Fp8ChannelDotRows);
HWY_EXPORT(Fp8ChannelDequantize);

void packed_format_detail::fp8_channel_dot_rows(const uint8_t* w, size_t rb, const float* rs,
                                                int64_t rows, const float* const* x, int nx,
                                                size_t K, float* out, size_t os) {
  HWY_DYNAMIC_DISPATCH(Fp8ChannelDotRows)(w, rb, rs, rows, x, nx, K, out, os);
}

void packed_format_detail::fp8_channel_dequantize(const uint8_t* w, size_t rb, const float* rs,
                                                  int64_t nb, int64_t K, float* out, int64_t ldo) {
  HWY_DYNAMIC_DISPATCH(Fp8ChannelDequantize)(w, rb, rs, nb, K, out, ldo);
}

HWY_EXPORT(Fp8Block128DotRows);
HWY_EXPORT(Fp8Block128Dequantize);

void packed_format_detail::fp8_block128_dot_rows(const uint8_t* w, size_t rb, const float* rs,
                                                 int64_t rows, const float* const* x, int nx,
                                                 size_t K, float* out, size_t os) {
  HWY_DYNAMIC_DISPATCH(Fp8Block128DotRows)(w, rb, rs, rows, x, nx, K, out, os);
}

void packed_format_detail::fp8_block128_dequantize(const uint8_t* w, size_t rb, const float* rs,
                                                   int64_t nb, int64_t K, float* out, int64_t ldo) {
  HWY_DYNAMIC_DISPATCH(Fp8Block128Dequantize)(w, rb, rs, nb, K, out, ldo);
}
}  // namespace archscope::cpu
#endif
