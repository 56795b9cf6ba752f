#include "quant/minifloat.hpp"

#include <cmath>
#include <cstring>

namespace archscope::quant {

float round_to_f16(float x) {
  return static_cast<float>(static_cast<_Float16>(x));  // IEEE RNE (GCC >= 12)
}

namespace {

// A non-negative finite fp32 value on a grid of `man_bits` mantissa bits, exponent bias `bias`
// (subnormals below exponent 1 - bias), rounded to nearest even and clamped to `max_code`: the
// code's magnitude bits (exponent << man_bits | mantissa). Exact: every step is a power of two.
uint32_t minifloat_magnitude(float a, int man_bits, int bias, uint32_t max_code, float max_value) {
  if (a == 0.0f) return 0;
  if (!(a < max_value)) return max_code;  // saturate (also +inf)
  const int min_exp = 1 - bias;           // exponent of the smallest normal
  int e = 0;
  std::frexp(a, &e);  // a = f * 2^e, f in [0.5, 1): the value's binade is 2^(e-1)
  int exp = e - 1;
  if (exp < min_exp) exp = min_exp;  // subnormal: the spacing of the lowest binade
  const float ulp = std::ldexp(1.0f, exp - man_bits);
  const float q = std::nearbyint(a / ulp);  // RNE on the integer grid (a / ulp is exact)
  // q counts ulps: below 2^man_bits (subnormal or binade start) or up to 2^(man_bits+1).
  uint32_t code = 0;
  const auto m = static_cast<uint32_t>(q);
  if (exp == min_exp && m < (1u << man_bits)) {
    code = m;  // subnormal (exponent field 0)
  } else if (m == (2u << man_bits)) {
    code = static_cast<uint32_t>(exp + 1 + bias) << man_bits;  // rounded up into the next binade
  } else {
    code = (static_cast<uint32_t>(exp + bias) << man_bits) | (m - (1u << man_bits));
  }
  return code > max_code ? max_code : code;
}

float minifloat_value(uint32_t magnitude, int man_bits, int bias) {
  const uint32_t e = magnitude >> man_bits, m = magnitude & ((1u << man_bits) - 1);
  if (e == 0) return std::ldexp(static_cast<float>(m), 1 - bias - man_bits);
  return std::ldexp(static_cast<float>((1u << man_bits) | m),
                    static_cast<int>(e) - bias - man_bits);
}

}  // namespace

uint8_t e4m3_encode(float x) {
  if (std::isnan(x)) return 0x7F;
  const uint8_t sign = std::signbit(x) ? 0x80 : 0x00;
  return static_cast<uint8_t>(sign | minifloat_magnitude(std::fabs(x), 3, 7, 0x7E, kE4M3Max));
}

float e4m3_decode(uint8_t code) {
  const uint32_t mag = code & 0x7Fu;
  if (mag == 0x7F) return std::nanf("");
  const float v = minifloat_value(mag, 3, 7);
  return (code & 0x80) ? -v : v;
}

uint8_t e2m1_encode(float x) {
  const uint8_t sign = std::signbit(x) ? 0x8 : 0x0;
  if (std::isnan(x)) return 0x7;  // E2M1 has no NaN: saturate like the largest magnitude
  return static_cast<uint8_t>(sign | minifloat_magnitude(std::fabs(x), 1, 1, 0x7, kE2M1Max));
}

float e2m1_decode(uint8_t code) {
  const float v = minifloat_value(code & 0x7u, 1, 1);
  return (code & 0x8) ? -v : v;
}

}  // namespace archscope::quant
