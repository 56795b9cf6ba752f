// mxfp4 packed blocks (quant/packed_layout.hpp BlockMxfp4: E8M0 scale, 16 bytes of E2M1 nibbles in
// gpt-oss order: element i = (qs[i / 2] >> (4 * (i % 2))) & 15) read directly by the decode GEMV
// and the prefill's dequantization (packed_format_driver-inl.h).
// Highway foreach_target: this file is re-included once per target with HWY_NAMESPACE set.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "cpu/simd/packed_mxfp4_kernels.cpp"
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

// Code values from the E2M1 table (OCP MX v1.0: 0, 0.5, 1, 1.5, 2, 3, 4, 6 and negatives).
struct Mxfp4 {
  static constexpr int64_t kB = quant::kMxfp4Block;
  static constexpr size_t kBytes = sizeof(quant::BlockMxfp4);
  static HWY_INLINE void Decode(const uint8_t* blk, int64_t, float* v) {
    const uint8_t* qs = blk + 1;
    for (int i = 0; i < 16; ++i) {
      v[2 * i] = kE2M1Values[qs[i] & 15];
      v[2 * i + 1] = kE2M1Values[qs[i] >> 4];
    }
  }
  static HWY_INLINE float Scale(const uint8_t* blk) { return e8m0_to_float(blk[0]); }
};

void Mxfp4DotRows(const uint8_t* w, size_t rb, const float* rs, int64_t rows, const float* const* x,
                  int nx, size_t K, float* out, size_t os) {
  packed_format_driver::DotRows<Mxfp4>(w, rb, rs, rows, x, nx, K, out, os);
}
void Mxfp4Dequantize(const uint8_t* w, size_t rb, const float* rs, int64_t nb, int64_t K,
                     float* out, int64_t ldo) {
  packed_format_driver::DequantizeRows<Mxfp4>(w, rb, rs, nb, K, out, ldo);
}
}  // namespace archscope::cpu::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace archscope::cpu {

HWY_EXPORT(Mxfp4DotRows);
HWY_EXPORT(Mxfp4Dequantize);

void packed_format_detail::mxfp4_dot_rows(const uint8_t* w, size_t rb, const float* rs,
                                          int64_t rows, const float* const* x, int nx, size_t K,
                                          float* out, size_t os) {
  HWY_DYNAMIC_DISPATCH(Mxfp4DotRows)(w, rb, rs, rows, x, nx, K, out, os);
}

void packed_format_detail::mxfp4_dequantize(const uint8_t* w, size_t rb, const float* rs,
                                            int64_t nb, int64_t K, float* out, int64_t ldo) {
  HWY_DYNAMIC_DISPATCH(Mxfp4Dequantize)(w, rb, rs, nb, K, out, ldo);
}
}  // namespace archscope::cpu
#endif
