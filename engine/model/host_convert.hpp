// fp32 -> bf16 / fp16 on the host for weight uploads, rounding to nearest even like torch's .to().
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "backend/tensor.hpp"

namespace archscope::model_detail {

inline uint16_t to_bf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40u);  // NaN
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(u >> 16);
}

inline uint16_t to_f16(float f) {
  const _Float16 x = static_cast<_Float16>(f);  // IEEE round-to-nearest-even (GCC >= 12)
  uint16_t h;
  std::memcpy(&h, &x, sizeof h);
  return h;
}

inline std::vector<uint16_t> to_half(const std::vector<float>& v, Elem e) {
  std::vector<uint16_t> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = e == Elem::BF16 ? to_bf16(v[i]) : to_f16(v[i]);
  return out;
}

}  // namespace archscope::model_detail
