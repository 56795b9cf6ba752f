// A float64 reference of the KV-cache row quantization (engine/quant/kv_rows.hpp), written from
// the definitions in this test tree: int8 s = absmax / 127, q = clamp(round half to even(x / s),
// ±127); fp8 s = absmax / 448, q = the nearest OCP E4M3 code of x / s (ties to the even code,
// saturating at ±448, values from the OFP8 v1.0 formula); x̂ = value(q) * s. A float64 operation
// on fp32 operands rounded once to fp32 is the correctly rounded fp32 operation (53 >= 2 * 24 + 2),
// so each fp32 step the definition names is reproduced exactly. Used by the quant tests (bit for
// bit) and the attention tests (the K/V an int8 / fp8 pool must hold).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "quant/kv_rows.hpp"

namespace archscope::test {

using archscope::quant::KvCode;

struct RefRow {
  float scale = 0;
  std::vector<uint8_t> codes;
  std::vector<float> values;
};

inline double e4m3_spec(uint32_t mag) {  // S = 0; e = mag >> 3, m = mag & 7, bias 7
  const uint32_t e = mag >> 3, m = mag & 7u;
  return e == 0 ? std::ldexp(m / 8.0, -6) : std::ldexp(1.0 + m / 8.0, static_cast<int>(e) - 7);
}

inline uint8_t e4m3_ref(float v) {
  const double a = std::fabs(static_cast<double>(v));
  uint32_t best = 0;
  double best_d = INFINITY;
  for (uint32_t mag = 0; mag <= 0x7E; ++mag) {  // 0x7F is NaN
    const double d = std::fabs(e4m3_spec(mag) - a);
    if (d < best_d || (d == best_d && (mag & 1u) == 0 && (best & 1u) == 1)) best = mag, best_d = d;
  }
  return static_cast<uint8_t>((std::signbit(v) ? 0x80u : 0u) | best);
}

inline double round_half_even(double v) {
  const double r = std::floor(v), d = v - r;
  if (d > 0.5) return r + 1;
  if (d < 0.5) return r;
  return std::fmod(r, 2.0) == 0 ? r : r + 1;
}

inline RefRow reference(KvCode code, const std::vector<float>& x) {
  double a = 0;
  for (float v : x) a = std::max(a, std::fabs(static_cast<double>(v)));
  RefRow r;
  r.scale = static_cast<float>(a / (code == KvCode::Int8 ? 127.0 : 448.0));
  for (float v : x) {
    if (r.scale == 0) {
      r.codes.push_back(0);
      r.values.push_back(0.0f);
      continue;
    }
    const float y = static_cast<float>(static_cast<double>(v) / r.scale);  // fp32 x / s
    if (code == KvCode::Int8) {
      const double q = std::min(127.0, std::max(-127.0, round_half_even(y)));
      const auto qi = static_cast<int8_t>(q);
      uint8_t byte;
      std::memcpy(&byte, &qi, 1);
      r.codes.push_back(byte);
      r.values.push_back(static_cast<float>(static_cast<double>(qi) * r.scale));  // q is an integer
    } else {
      const uint8_t c = e4m3_ref(y);
      const double mag = e4m3_spec(c & 0x7Fu);
      r.codes.push_back(c);
      r.values.push_back(static_cast<float>(((c & 0x80) ? -mag : mag) * r.scale));
    }
  }
  return r;
}

}  // namespace archscope::test
