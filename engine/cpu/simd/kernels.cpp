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

// NW weight rows x NX activation rows per pass: NW * NX independent accumulators hide the FMA
// latency, each weight vector is widened once and used NX times, each activation vector loaded
// once per NW rows (K = 8192 activations do not fit L1 beside the weight stream).
template <class W, int NW, int NX>
void MultiDotT(const W* HWY_RESTRICT w, size_t ws, const float* const* x, size_t n,
               float* HWY_RESTRICT out, size_t os, size_t ors) {
  const hn::ScalableTag<float> d;
  using V = hn::Vec<decltype(d)>;
  const size_t lanes = hn::Lanes(d);
  // Two accumulator sets (even / odd vector) when NW * NX alone is too few to hide FMA latency.
  constexpr int U = NW * NX <= 4 ? 2 : 1;
  V acc[U][NW][NX];
  for (int u = 0; u < U; ++u)
    for (int r = 0; r < NW; ++r)
      for (int j = 0; j < NX; ++j) acc[u][r][j] = hn::Zero(d);
  const float* xp[NX];
  for (int j = 0; j < NX; ++j) xp[j] = x[j];
  size_t i = 0;
  for (; i + 2 * lanes <= n; i += 2 * lanes) {
    for (int h = 0; h < 2; ++h) {
      const int u = U == 2 ? h : 0;
      V xv[NX];
      for (int j = 0; j < NX; ++j) xv[j] = hn::LoadU(d, xp[j] + i + h * lanes);
      for (int r = 0; r < NW; ++r) {
        const auto wv = LoadAsF32(d, w + r * ws + i + h * lanes);
        for (int j = 0; j < NX; ++j) acc[u][r][j] = hn::MulAdd(wv, xv[j], acc[u][r][j]);
      }
    }
  }
  for (; i + lanes <= n; i += lanes) {
    V xv[NX];
    for (int j = 0; j < NX; ++j) xv[j] = hn::LoadU(d, xp[j] + i);
    for (int r = 0; r < NW; ++r) {
      const auto wv = LoadAsF32(d, w + r * ws + i);
      for (int j = 0; j < NX; ++j) acc[0][r][j] = hn::MulAdd(wv, xv[j], acc[0][r][j]);
    }
  }
  for (int r = 0; r < NW; ++r)
    for (int j = 0; j < NX; ++j) {
      V a = acc[0][r][j];
      if (U == 2) a = hn::Add(a, acc[U - 1][r][j]);
      float s = hn::GetLane(hn::SumOfLanes(d, a));
      for (size_t k = i; k < n; ++k) s += ToF32(w[r * ws + k]) * xp[j][k];  // never reads past n
      out[j * os + r * ors] = s;
    }
}

template <class W, int NW>
void MultiDotNX(const W* w, size_t ws, const float* const* x, int nx, size_t n, float* out,
                size_t os, size_t ors) {
  switch (nx) {
    case 1: return MultiDotT<W, NW, 1>(w, ws, x, n, out, os, ors);
    case 2: return MultiDotT<W, NW, 2>(w, ws, x, n, out, os, ors);
    case 3: return MultiDotT<W, NW, 3>(w, ws, x, n, out, os, ors);
    default: return MultiDotT<W, NW, 4>(w, ws, x, n, out, os, ors);
  }
}

template <class W>
void MultiDotW(const W* w, size_t ws, int nw, const float* const* x, int nx, size_t n, float* out,
               size_t os, size_t ors) {
  switch (nw) {
    case 1: return MultiDotNX<W, 1>(w, ws, x, nx, n, out, os, ors);
    case 2: return MultiDotNX<W, 2>(w, ws, x, nx, n, out, os, ors);
    case 3: return MultiDotNX<W, 3>(w, ws, x, nx, n, out, os, ors);
    default: return MultiDotNX<W, 4>(w, ws, x, nx, n, out, os, ors);
  }
}

void MultiDot(const void* w, Elem e, size_t ws, int nw, const float* const* x, int nx, size_t n,
              float* out, size_t os, size_t ors) {
  if (e == Elem::BF16)
    return MultiDotW(static_cast<const hwy::bfloat16_t*>(w), ws, nw, x, nx, n, out, os, ors);
  if (e == Elem::F16)
    return MultiDotW(static_cast<const hwy::float16_t*>(w), ws, nw, x, nx, n, out, os, ors);
  return MultiDotW(static_cast<const float*>(w), ws, nw, x, nx, n, out, os, ors);
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
HWY_EXPORT(MultiDot);
HWY_EXPORT(SumSquares);
HWY_EXPORT(Axpy);

void dot_rows(const void* w, Elem w_elem, const float* const* x, int nx, size_t n, float* out) {
  HWY_DYNAMIC_DISPATCH(DotRows)(w, w_elem, x, nx, n, out);
}
void dot_rows_multi(const void* w, Elem w_elem, size_t w_stride, int nw, const float* const* x,
                    int nx, size_t n, float* out, size_t out_stride, size_t out_row_stride) {
  HWY_DYNAMIC_DISPATCH(MultiDot)(w, w_elem, w_stride, nw, x, nx, n, out, out_stride,
                                 out_row_stride);
}
float sum_squares(const float* x, size_t n) { return HWY_DYNAMIC_DISPATCH(SumSquares)(x, n); }
void axpy(float a, const void* x, Elem x_elem, float* y, size_t n) {
  HWY_DYNAMIC_DISPATCH(Axpy)(a, x, x_elem, y, n);
}

}  // namespace archscope::cpu
#endif
