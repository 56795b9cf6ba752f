// Highway foreach_target: this file is re-included once per target with HWY_NAMESPACE set.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "cpu/simd/kernels.cpp"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"

#include <cstring>

#include "cpu/half.hpp"
#include "cpu/simd/kernels.hpp"

HWY_BEFORE_NAMESPACE();
namespace archscope::cpu::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Loads lanes of a weight row as fp32, whatever the stored type.
template <class D>
HWY_INLINE hn::Vec<D> LoadAsF32(D d, const float* p) { return hn::LoadU(d, p); }
template <class D>
HWY_INLINE hn::Vec<D> LoadAsF32(D d, const hwy::bfloat16_t* p) {
  return hn::PromoteTo(d, hn::LoadU(hn::Rebind<hwy::bfloat16_t, D>(), p));
}
template <class D>
HWY_INLINE hn::Vec<D> LoadAsF32(D d, const hwy::float16_t* p) {
  return hn::PromoteTo(d, hn::LoadU(hn::Rebind<hwy::float16_t, D>(), p));
}

HWY_INLINE float ToF32(float v) { return v; }
HWY_INLINE float ToF32(hwy::bfloat16_t v) { return bf16_to_f32(v.bits); }
HWY_INLINE float ToF32(hwy::float16_t v) {  // x86: hwy emulates float16_t as a bits struct
  uint16_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return f16_to_f32(bits);
}

template <class W, int NX>
void DotRowsT(const W* HWY_RESTRICT w, const float* const* x, size_t n, float* out) {
  const hn::ScalableTag<float> d;
  const size_t lanes = hn::Lanes(d);
  hn::Vec<decltype(d)> acc[NX];
  for (int j = 0; j < NX; ++j) acc[j] = hn::Zero(d);
  size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    const auto wv = LoadAsF32(d, w + i);
    for (int j = 0; j < NX; ++j) acc[j] = hn::MulAdd(wv, hn::LoadU(d, x[j] + i), acc[j]);
  }
  for (int j = 0; j < NX; ++j) {
    float s = hn::GetLane(hn::SumOfLanes(d, acc[j]));
    for (size_t k = i; k < n; ++k) s += ToF32(w[k]) * x[j][k];  // tail: never reads past n
    out[j] = s;
  }
}

template <class W>
void DotRowsW(const W* w, const float* const* x, int nx, size_t n, float* out) {
  switch (nx) {
    case 1: return DotRowsT<W, 1>(w, x, n, out);
    case 2: return DotRowsT<W, 2>(w, x, n, out);
    case 3: return DotRowsT<W, 3>(w, x, n, out);
    default: return DotRowsT<W, 4>(w, x, n, out);
  }
}

void DotRows(const void* w, Elem e, const float* const* x, int nx, size_t n, float* out) {
  if (e == Elem::BF16) return DotRowsW(static_cast<const hwy::bfloat16_t*>(w), x, nx, n, out);
  if (e == Elem::F16) return DotRowsW(static_cast<const hwy::float16_t*>(w), x, nx, n, out);
  return DotRowsW(static_cast<const float*>(w), x, nx, n, out);
}

float SumSquares(const float* HWY_RESTRICT x, size_t n) {
  const hn::ScalableTag<float> d;
  const size_t lanes = hn::Lanes(d);
  auto acc = hn::Zero(d);
  size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    const auto v = hn::LoadU(d, x + i);
    acc = hn::MulAdd(v, v, acc);
  }
  float s = hn::GetLane(hn::SumOfLanes(d, acc));
  for (; i < n; ++i) s += x[i] * x[i];
  return s;
}

template <class X>
void AxpyT(float a, const X* HWY_RESTRICT x, float* HWY_RESTRICT y, size_t n) {
  const hn::ScalableTag<float> d;
  const size_t lanes = hn::Lanes(d);
  const auto av = hn::Set(d, a);
  size_t i = 0;
  for (; i + lanes <= n; i += lanes)
    hn::StoreU(hn::MulAdd(av, LoadAsF32(d, x + i), hn::LoadU(d, y + i)), d, y + i);
  for (; i < n; ++i) y[i] += a * ToF32(x[i]);
}

void Axpy(float a, const void* x, Elem e, float* y, size_t n) {
  if (e == Elem::BF16) return AxpyT(a, static_cast<const hwy::bfloat16_t*>(x), y, n);
  if (e == Elem::F16) return AxpyT(a, static_cast<const hwy::float16_t*>(x), y, n);
  return AxpyT(a, static_cast<const float*>(x), y, n);
}

}  // namespace archscope::cpu::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace archscope::cpu {

HWY_EXPORT(DotRows);
HWY_EXPORT(SumSquares);
HWY_EXPORT(Axpy);

void dot_rows(const void* w, Elem w_elem, const float* const* x, int nx, size_t n, float* out) {
  HWY_DYNAMIC_DISPATCH(DotRows)(w, w_elem, x, nx, n, out);
}
float sum_squares(const float* x, size_t n) { return HWY_DYNAMIC_DISPATCH(SumSquares)(x, n); }
void axpy(float a, const void* x, Elem x_elem, float* y, size_t n) {
  HWY_DYNAMIC_DISPATCH(Axpy)(a, x, x_elem, y, n);
}

}  // namespace archscope::cpu
#endif
