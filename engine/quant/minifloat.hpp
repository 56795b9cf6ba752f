// The small floating-point element and scale types of the weight formats, as their specs define
// them, on the host: IEEE binary16 (the fp16 scales of q8_0 / q4_0 / int4-g128), OCP FP8 E4M3
// (OCP 8-bit Floating Point Specification (OFP8) v1.0, 2023: bias 7, no infinities, S.1111.111 is
// NaN, so the largest finite is S.1111.110 = 448, the smallest subnormal 2^-9), OCP MX v1.0's E2M1
// (FP4: bias 1, values 0, 0.5, 1, 1.5, 2, 3, 4, 6) and E8M0 (a power of two 2^(e - 127)).
// Every conversion from fp32 rounds to nearest, ties to even, and saturates to the largest finite
// value (the OCP "saturating" conversion the formats call for).
#pragma once

#include <cstdint>

namespace archscope::quant {

// fp32 -> fp16 -> fp32 (IEEE round to nearest even; overflow to infinity as IEEE does).
float round_to_f16(float x);

inline constexpr float kE4M3Max = 448.0f;
uint8_t e4m3_encode(float x);  // saturating RNE; NaN -> 0x7F
float e4m3_decode(uint8_t code);
inline float round_to_e4m3(float x) {
  return e4m3_decode(e4m3_encode(x));
}

inline constexpr float kE2M1Max = 6.0f;
uint8_t e2m1_encode(float x);  // 4-bit code S.EE.M, saturating RNE
float e2m1_decode(uint8_t code);

}  // namespace archscope::quant
