// nf4 packed blocks (quant/packed_layout.hpp BlockNf4: fp32 absmax, 32 bytes of nibbles; element
// i < 32 = code[low nibble of qs[i]], i >= 32 = code[high nibble of qs[i - 32]], times absmax)
// read directly by the decode GEMV and the prefill's dequantization (packed_format_driver-inl.h).
// Highway foreach_target: this file is re-included once per target with HWY_NAMESPACE set.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "cpu/simd/packed_nf4_kernels.cpp"
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

// Code values from QLoRA's table (quant::kNf4Codes), looked up per element.
struct Nf4 {
  static constexpr int64_t kB = quant::kNf4Block;
  static constexpr size_t kBytes = sizeof(quant::BlockNf4);
  static HWY_INLINE void Decode(const uint8_t* blk, int64_t, float* v) {
    const uint8_t* qs = blk + 4;
    for (int i = 0; i < 32; ++i) {
      v[i] = quant::kNf4Codes[qs[i] & 15];
      v[i + 32] = quant::kNf4Codes[qs[i] >> 4];
    }
  }
  static HWY_INLINE float Scale(const uint8_t* blk) {
    float a;
    std::memcpy(&a, blk, sizeof a);
    return a;
  }
};

void Nf4DotRows(const uint8_t* w, size_t rb, const float* rs, int64_t rows, const float* const* x,
                int nx, size_t K, float* out, size_t os) {
  packed_format_driver::DotRows<Nf4>(w, rb, rs, rows, x, nx, K, out, os);
}
void Nf4Dequantize(const uint8_t* w, size_t rb, const float* rs, int64_t nb, int64_t K, float* out,
                   int64_t ldo) {
  packed_format_driver::DequantizeRows<Nf4>(w, rb, rs, nb, K, out, ldo);
}
}  // namespace archscope::cpu::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace archscope::cpu {

HWY_EXPORT(Nf4DotRows);
HWY_EXPORT(Nf4Dequantize);

void packed_format_detail::nf4_dot_rows(const uint8_t* w, size_t rb, const float* rs, int64_t rows,
                                        const float* const* x, int nx, size_t K, float* out,
                                        size_t os) {
  HWY_DYNAMIC_DISPATCH(Nf4DotRows)(w, rb, rs, rows, x, nx, K, out, os);
}

void packed_format_detail::nf4_dequantize(const uint8_t* w, size_t rb, const float* rs, int64_t nb,
                                          int64_t K, float* out, int64_t ldo) {
  HWY_DYNAMIC_DISPATCH(Nf4Dequantize)(w, rb, rs, nb, K, out, ldo);
}
}  // namespace archscope::cpu
#endif
