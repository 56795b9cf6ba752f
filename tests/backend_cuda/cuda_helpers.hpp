// Shared by the CUDA op tests: one CUDA backend (and a CPU backend for the ops whose reference is
// the CPU backend's result), uploads that round values to the stored type so references see the
// stored numbers, and the bound check: |got - want| <= bound per element, NaN never passes.
#pragma once

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cpu/cpu_backend.hpp"
#include "cpu/half.hpp"
#include "cuda/cuda_backend.hpp"

namespace archscope::test {

// fp32 unit roundoff, and bf16 / fp16's.
inline constexpr double kU32 = 5.9604644775390625e-08;  // 2^-24
inline constexpr double kUBf16 = 0.00390625;            // 2^-8
inline constexpr double kUF16 = 0.00048828125;          // 2^-11
// Probabilistic accumulation bound (Higham & Mary): a sum of n rounded terms errs by at most
// lambda * sqrt(n) * u * sum|terms| except with probability ~2 exp(-lambda^2 / 2); lambda = 6
// puts that below 1e-7 per element.
inline double accum(double n) {
  return 6.0 * std::sqrt(std::max(1.0, n)) * kU32;
}

// One CUDA backend for the whole module, created and destroyed by Boost.Test's global fixture
// (main.cpp) so it goes away before the CUDA runtime unloads at exit.
struct GpuFixture {
  GpuFixture() { instance() = std::make_unique<cuda::CudaBackend>(0); }
  ~GpuFixture() { instance().reset(); }
  static std::unique_ptr<cuda::CudaBackend>& instance() {
    static std::unique_ptr<cuda::CudaBackend> be;
    return be;
  }
};
inline cuda::CudaBackend& gpu() {
  return *GpuFixture::instance();
}
inline cpu::CpuBackend& host() {
  static cpu::CpuBackend be(2);
  return be;
}

// Restores the default kernel choices when a test that changed them ends.
struct KernelScope {
  explicit KernelScope(const KernelChoices& k) { gpu().set_kernels(k); }
  ~KernelScope() { gpu().set_kernels(KernelChoices{}); }
};

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

// Uploads v as `elem` (rounding v in place to the stored values).
inline Tensor put(Backend& be, Elem elem, const Shape& shape, std::vector<float>& v) {
  BOOST_REQUIRE_EQUAL(count(shape), static_cast<int64_t>(v.size()));
  Tensor t = be.alloc(elem, shape);
  if (elem == Elem::F32) {
    be.upload(be.default_stream(), v.data(), t);
    return t;
  }
  std::vector<uint16_t> bits(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    bits[i] = elem == Elem::BF16 ? cpu::f32_to_bf16(v[i]) : cpu::f32_to_f16(v[i]);
    v[i] = elem == Elem::BF16 ? cpu::bf16_to_f32(bits[i]) : cpu::f16_to_f32(bits[i]);
  }
  be.upload(be.default_stream(), bits.data(), t);
  be.synchronize(be.default_stream());  // `bits` dies here
  return t;
}
inline Tensor put_f32(Backend& be, const Shape& shape, std::vector<float> v) {
  return put(be, Elem::F32, shape, v);
}
inline Tensor put_i32(Backend& be, const Shape& shape, const std::vector<int32_t>& v) {
  BOOST_REQUIRE_EQUAL(count(shape), static_cast<int64_t>(v.size()));
  Tensor t = be.alloc(Elem::I32, shape);
  be.upload(be.default_stream(), v.data(), t);
  return t;
}
// A tensor filled with NaN, so an element a kernel fails to write cannot pass a check.
inline Tensor poisoned(Backend& be, const Shape& shape) {
  std::vector<float> nan(static_cast<size_t>(count(shape)), std::nanf(""));
  return put_f32(be, shape, nan);
}

template <class T = float>
std::vector<T> get(Backend& be, const Tensor& t) {
  std::vector<T> v(static_cast<size_t>(t.numel()));
  be.download(be.default_stream(), t, v.data());
  be.synchronize(be.default_stream());
  return v;
}

// Largest |got - want| / bound (<= 1 passes); NaN or a missing element gives 1e30.
inline double worst_ratio(const std::vector<float>& got, const std::vector<double>& want,
                          const std::vector<double>& bound) {
  BOOST_REQUIRE_EQUAL(got.size(), want.size());
  BOOST_REQUIRE_EQUAL(got.size(), bound.size());
  double w = 0.0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double e = std::fabs(static_cast<double>(got[i]) - want[i]);
    const double r = bound[i] > 0 ? e / bound[i] : (e == 0 ? 0.0 : 1e30);
    w = std::max(w, std::isfinite(got[i]) ? r : 1e30);
  }
  return w;
}

#define ARCHSCOPE_CHECK_BOUND(got, want, bound, what)                             \
  do {                                                                            \
    const double ratio_ = ::archscope::test::worst_ratio((got), (want), (bound)); \
    BOOST_TEST_MESSAGE(what << ": worst error / bound = " << ratio_);             \
    BOOST_TEST(ratio_ <= 1.0, what << ": worst error / bound = " << ratio_);      \
  } while (0)

inline const char* name(Elem e) {
  return to_string(e);
}

}  // namespace archscope::test
