// Dispatch of the packed-format kernels by element type, and their code-value tables.
#include "cpu/simd/packed_format_kernels.hpp"

#include <cstring>
#include <string>

#include "common/error.hpp"
#include "quant/minifloat.hpp"

namespace archscope::cpu {

namespace packed_format_detail {

const std::array<float, 256> kE4M3Values = [] {
  std::array<float, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[static_cast<size_t>(c)] = quant::e4m3_decode(static_cast<uint8_t>(c));
  return t;
}();

const std::array<float, 16> kE2M1Values = [] {
  std::array<float, 16> t{};
  for (int c = 0; c < 16; ++c)
    t[static_cast<size_t>(c)] = quant::e2m1_decode(static_cast<uint8_t>(c));
  return t;
}();

float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t e = (h >> 10) & 0x1Fu, m = h & 0x3FFu;
  uint32_t bits;
  if (e == 0) {
    const float v = static_cast<float>(m) * 0x1p-24f;  // subnormal or zero: m * 2^-24, exact
    std::memcpy(&bits, &v, sizeof bits);
    bits |= sign;
  } else if (e == 31) {
    bits = sign | 0x7F800000u | (m << 13);
  } else {
    bits = sign | ((e + 112) << 23) | (m << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

float e8m0_to_float(uint8_t e) {
  // 2^(e - 127): a normal fp32 for e >= 1 (exponent field e), 2^-127 = the subnormal 0x00400000.
  const uint32_t bits = e == 0     ? 0x00400000u
                        : e == 255 ? 0x7FC00000u
                                   : static_cast<uint32_t>(e) << 23;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

}  // namespace packed_format_detail

namespace {

using namespace packed_format_detail;

struct Entry {
  DotRowsFn dot;
  DequantizeFn dequantize;
};

Entry entry(Elem e) {
  switch (e) {
    case Elem::INT4_G128:
      return {int4_g128_dot_rows, int4_g128_dequantize};
    case Elem::NF4:
      return {nf4_dot_rows, nf4_dequantize};
    case Elem::MXFP4:
      return {mxfp4_dot_rows, mxfp4_dequantize};
    case Elem::INT8_CHANNEL:
      return {int8_channel_dot_rows, int8_channel_dequantize};
    case Elem::FP8_CHANNEL:
      return {fp8_channel_dot_rows, fp8_channel_dequantize};
    case Elem::FP8_BLOCK128:
      return {fp8_block128_dot_rows, fp8_block128_dequantize};
    default:
      break;
  }
  throw Error(ErrorKind::Internal, "packed kernels",
              std::string("no packed-format kernel for ") + to_string(e));
}

}  // namespace

bool has_packed_format_kernel(Elem e) {
  return e == Elem::INT4_G128 || e == Elem::NF4 || e == Elem::MXFP4 || e == Elem::INT8_CHANNEL ||
         e == Elem::FP8_CHANNEL || e == Elem::FP8_BLOCK128;
}

void packed_format_dot_rows(const uint8_t* w, Elem e, size_t row_bytes, const float* row_scales,
                            int64_t rows, const float* const* x, int nx, size_t K, float* out,
                            size_t out_stride) {
  entry(e).dot(w, row_bytes, row_scales, rows, x, nx, K, out, out_stride);
}

void packed_format_dequantize_rows(const uint8_t* w, Elem e, size_t row_bytes,
                                   const float* row_scales, int64_t nb, int64_t K, float* out,
                                   int64_t ldo) {
  entry(e).dequantize(w, row_bytes, row_scales, nb, K, out, ldo);
}

}  // namespace archscope::cpu
