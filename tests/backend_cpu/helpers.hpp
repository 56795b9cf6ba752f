// Shared by the CPU backend op tests: random inputs, uploads (with bf16/fp16 rounding applied to
// the values the float64 reference sees), downloads and a closeness check.
#pragma once

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/half.hpp"

namespace archscope::test {

using cpu::CpuBackend;

struct Rng {
  std::mt19937_64 gen;
  explicit Rng(uint64_t seed) : gen(seed) {}
  std::vector<float> uniform(size_t n, float lo = -1.0f, float hi = 1.0f) {
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(n);
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

inline Tensor upload_f32(CpuBackend& be, const Shape& shape, const std::vector<float>& v) {
  BOOST_REQUIRE_EQUAL(count(shape), static_cast<int64_t>(v.size()));
  Tensor t = be.alloc(Elem::F32, shape);
  be.upload(be.default_stream(), v.data(), t);
  return t;
}

inline Tensor upload_i32(CpuBackend& be, const Shape& shape, const std::vector<int32_t>& v) {
  BOOST_REQUIRE_EQUAL(count(shape), static_cast<int64_t>(v.size()));
  Tensor t = be.alloc(Elem::I32, shape);
  be.upload(be.default_stream(), v.data(), t);
  return t;
}

// Uploads v as `elem` (F32/BF16/F16) and rounds v in place to what the tensor now holds, so the
// float64 reference uses exactly the stored weights.
inline Tensor upload_as(CpuBackend& be, Elem elem, const Shape& shape, std::vector<float>& v) {
  if (elem == Elem::F32) return upload_f32(be, shape, v);
  std::vector<uint16_t> bits(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    bits[i] = elem == Elem::BF16 ? cpu::f32_to_bf16(v[i]) : cpu::f32_to_f16(v[i]);
    v[i] = elem == Elem::BF16 ? cpu::bf16_to_f32(bits[i]) : cpu::f16_to_f32(bits[i]);
  }
  Tensor t = be.alloc(elem, shape);
  be.upload(be.default_stream(), bits.data(), t);
  return t;
}

template <class T = float>
std::vector<T> fetch(CpuBackend& be, const Tensor& t) {
  std::vector<T> v(static_cast<size_t>(t.numel()));
  be.download(be.default_stream(), t, v.data());
  be.synchronize(be.default_stream());
  return v;
}

// Largest |got - want| / (tol * max(1, |want|)): <= 1 means every element is within `tol`
// relative (absolute for |want| < 1, where relative error of a near-zero value means nothing).
inline double worst(const std::vector<float>& got, const std::vector<double>& want, double tol) {
  BOOST_REQUIRE_EQUAL(got.size(), want.size());
  double w = 0.0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double e = std::abs(static_cast<double>(got[i]) - want[i]) / (tol * std::max(1.0, std::abs(want[i])));
    w = std::max(w, std::isnan(e) ? 1e30 : e);
  }
  return w;
}

#define ARCHSCOPE_CHECK_CLOSE(got, want, tol) BOOST_TEST(::archscope::test::worst((got), (want), (tol)) <= 1.0)

}  // namespace archscope::test
