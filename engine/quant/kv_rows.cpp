#include "quant/kv_rows.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "quant/minifloat.hpp"

namespace archscope::quant {

namespace {
float absmax(const float* x, int64_t n) {
  float m = 0.0f;
  for (int64_t i = 0; i < n; ++i) m = std::max(m, std::fabs(x[i]));
  return m;
}
}  // namespace

float quantize_kv_row(KvCode code, const float* x, int64_t n, uint8_t* q) {
  const float a = absmax(x, n);
  const float s = code == KvCode::Int8 ? a / 127.0f : a / kE4M3Max;
  if (s == 0.0f) {
    std::memset(q, 0, static_cast<size_t>(n));
    return 0.0f;
  }
  for (int64_t i = 0; i < n; ++i) {
    if (code == KvCode::Int8) {
      const float r = std::nearbyint(x[i] / s);
      // NaN (a NaN or infinite input upstream) has no int8 code: 0, never an undefined cast.
      const auto v = static_cast<int8_t>(std::isnan(r) ? 0.0f : std::clamp(r, -127.0f, 127.0f));
      std::memcpy(q + i, &v, 1);
    } else {
      q[i] = e4m3_encode(x[i] / s);
    }
  }
  return s;
}

float kv_code_value(KvCode code, uint8_t q) {
  if (code == KvCode::Fp8) return e4m3_decode(q);
  int8_t v;
  std::memcpy(&v, &q, 1);
  return static_cast<float>(v);
}

void dequantize_kv_row(KvCode code, const uint8_t* q, int64_t n, float scale, float* x) {
  for (int64_t i = 0; i < n; ++i) x[i] = kv_code_value(code, q[i]) * scale;
}

}  // namespace archscope::quant
