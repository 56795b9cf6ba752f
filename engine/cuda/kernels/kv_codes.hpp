// The int8 / OCP E4M3 arithmetic of the quantized KV cache (engine/quant/kv_rows.hpp) for the CUDA
// kernels, compiled for the host too so tests on a machine without a GPU can hold it to the
// definition bit for bit. Per stored vector: s = absmax / 127 (int8) or absmax / 448 (fp8) in
// fp32, y = x / s (fp32, IEEE division: the CUDA build has no fast math), then
//  - int8: q = clamp(rint(y), -127, 127) (round half to even); NaN -> 0;
//  - fp8:  the E4M3 code of y, round to nearest even, saturating at ±448; NaN -> 0x7F;
// an all-zero (absmax 0) vector has s = 0 and every code 0. Reading: value(q) * s in fp32.
// Every step is exact or one IEEE-rounded operation, so host and device give the same bits as
// the CPU backend's kv_store.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#ifdef __CUDACC__
#define ARCHSCOPE_KV_HD __host__ __device__ __forceinline__
#else
#define ARCHSCOPE_KV_HD inline
#endif

namespace archscope::cuda::kvq {

inline constexpr float kInt8Max = 127.0f;
inline constexpr float kE4M3Max = 448.0f;

ARCHSCOPE_KV_HD uint32_t bits_of(float x) {
#ifdef __CUDA_ARCH__
  return __float_as_uint(x);
#else
  uint32_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
#endif
}

ARCHSCOPE_KV_HD float float_of(uint32_t b) {
#ifdef __CUDA_ARCH__
  return __uint_as_float(b);
#else
  float x;
  std::memcpy(&x, &b, sizeof x);
  return x;
#endif
}

// The scale of a vector whose largest magnitude is `absmax` (NaNs left out of the max).
ARCHSCOPE_KV_HD float kv_scale(bool fp8, float absmax) {
  return fp8 ? absmax / kE4M3Max : absmax / kInt8Max;
}

ARCHSCOPE_KV_HD uint8_t int8_code(float y) {
  const float r = rintf(y);
  if (r != r) return 0;  // NaN has no int8 code
  const float c = fminf(fmaxf(r, -kInt8Max), kInt8Max);
  return static_cast<uint8_t>(static_cast<int8_t>(c));
}

// E4M3 (bias 7, 3 mantissa bits, S.1111.111 NaN, largest finite 448): for a magnitude in the
// binade 2^e (e clamped to -6, the subnormals' spacing) q = rint(a * 2^(3 - e)) counts steps of
// 2^(e - 3), exactly (a power-of-two scaling); code = ((e + 6) << 3) + q covers the subnormals
// (e = -6, q < 8), the binade (8 <= q < 16) and a round-up into the next binade (q = 16).
ARCHSCOPE_KV_HD uint8_t e4m3_code(float y) {
  if (y != y) return 0x7F;
  const uint8_t sign = (bits_of(y) >> 31) ? 0x80 : 0x00;
  const float a = fabsf(y);
  if (a == 0.0f) return sign;
  if (!(a < kE4M3Max)) return static_cast<uint8_t>(sign | 0x7E);
  int e = static_cast<int>((bits_of(a) >> 23) & 0xFFu) - 127;
  if (e < -6) e = -6;
  const float q = rintf(a * float_of(static_cast<uint32_t>(3 - e + 127) << 23));
  const int code = ((e + 6) << 3) + static_cast<int>(q);
  return static_cast<uint8_t>(sign | (code > 0x7E ? 0x7E : code));
}

ARCHSCOPE_KV_HD uint8_t kv_code(bool fp8, float x, float scale) {
  if (scale == 0.0f) return 0;
  const float y = x / scale;
  return fp8 ? e4m3_code(y) : int8_code(y);
}

ARCHSCOPE_KV_HD float int8_value(uint8_t c) {
  return static_cast<float>(static_cast<int8_t>(c));
}

ARCHSCOPE_KV_HD float e4m3_value(uint8_t c) {
  const uint32_t mag = c & 0x7Fu, e = mag >> 3, m = mag & 7u;
  float v;
  if (mag == 0x7Fu)
    v = float_of(0x7FC00000u);
  else if (e == 0)
    v = static_cast<float>(m) * 0.001953125f;  // m * 2^-9
  else
    v = float_of(((e + 120u) << 23) | (m << 20));  // 2^(e - 7) * (1 + m / 8)
  return (c & 0x80u) ? -v : v;
}

}  // namespace archscope::cuda::kvq
