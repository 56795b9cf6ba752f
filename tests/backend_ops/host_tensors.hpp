// Test data on any backend: seeded random inputs, uploads and downloads through the Backend
// interface only, and the rounding to bf16/fp16 done here (round to nearest even, written apart
// from the engine's own converters), so the reference sees exactly the stored values.
#pragma once

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "backend/backend.hpp"

namespace archscope::test {

struct Rng {
  std::mt19937_64 gen;
  explicit Rng(uint64_t seed) : gen(seed) {}
  std::vector<float> uniform(int64_t n, float lo = -1.0f, float hi = 1.0f) {
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v) x = d(gen);
    return v;
  }
  int32_t index(int32_t n) { return std::uniform_int_distribution<int32_t>(0, n - 1)(gen); }
};

inline int64_t count(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

// bf16: the upper half of the fp32 bits, rounded to nearest even (NaN stays NaN).
inline uint16_t bf16_bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  if ((b & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((b >> 16) | 0x40);
  return static_cast<uint16_t>((b + 0x7fffu + ((b >> 16) & 1u)) >> 16);
}
inline float from_bf16(uint16_t h) {
  const uint32_t b = static_cast<uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
}
// fp16 through the compiler's IEEE binary16 type (round to nearest even).
inline uint16_t f16_bits(float f) {
  const _Float16 h = static_cast<_Float16>(f);
  uint16_t b;
  std::memcpy(&b, &h, sizeof b);
  return b;
}
inline float from_f16(uint16_t b) {
  _Float16 h;
  std::memcpy(&h, &b, sizeof h);
  return static_cast<float>(h);
}
// v as stored in elem (F32: unchanged).
inline float stored_as(Elem elem, float v) {
  if (elem == Elem::BF16) return from_bf16(bf16_bits(v));
  if (elem == Elem::F16) return from_f16(f16_bits(v));
  return v;
}
inline std::vector<float> stored_as(Elem elem, std::vector<float> v) {
  for (float& x : v) x = stored_as(elem, x);
  return v;
}

inline Tensor upload_f32(Backend& be, const Shape& shape, const std::vector<float>& v) {
  BOOST_REQUIRE_EQUAL(count(shape), static_cast<int64_t>(v.size()));
  Tensor t = be.alloc(Elem::F32, shape);
  be.upload(be.default_stream(), v.data(), t);
  return t;
}

inline Tensor upload_i32(Backend& be, const Shape& shape, const std::vector<int32_t>& v) {
  BOOST_REQUIRE_EQUAL(count(shape), static_cast<int64_t>(v.size()));
  Tensor t = be.alloc(Elem::I32, shape);
  be.upload(be.default_stream(), v.data(), t);
  return t;
}

// Uploads v as `elem` (F32/BF16/F16) and rounds v in place to what the tensor now holds.
inline Tensor upload_as(Backend& be, Elem elem, const Shape& shape, std::vector<float>& v) {
  if (elem == Elem::F32) return upload_f32(be, shape, v);
  BOOST_REQUIRE_EQUAL(count(shape), static_cast<int64_t>(v.size()));
  std::vector<uint16_t> bits(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    bits[i] = elem == Elem::BF16 ? bf16_bits(v[i]) : f16_bits(v[i]);
    v[i] = elem == Elem::BF16 ? from_bf16(bits[i]) : from_f16(bits[i]);
  }
  Tensor t = be.alloc(elem, shape);
  be.upload(be.default_stream(), bits.data(), t);
  return t;
}

template <class T = float>
std::vector<T> fetch(Backend& be, const Tensor& t) {
  std::vector<T> v(static_cast<size_t>(t.numel()));
  be.download(be.default_stream(), t, v.data());
  be.synchronize(be.default_stream());
  return v;
}

}  // namespace archscope::test
