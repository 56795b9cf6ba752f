// Highway foreach_target: this file is re-included once per target with HWY_NAMESPACE set.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "cpu/simd/gemm.cpp"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"

#include <algorithm>
#include <cstring>

#include "cpu/half.hpp"
#include "cpu/simd/gemm.hpp"

HWY_BEFORE_NAMESPACE();
namespace archscope::cpu::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace gemm_detail {

template <class D>
HWY_INLINE hn::Vec<D> LoadF32(D d, const float* p) { return hn::LoadU(d, p); }
template <class D>
HWY_INLINE hn::Vec<D> LoadF32(D d, const hwy::bfloat16_t* p) {
  return hn::PromoteTo(d, hn::LoadU(hn::Rebind<hwy::bfloat16_t, D>(), p));
}
template <class D>
HWY_INLINE hn::Vec<D> LoadF32(D d, const hwy::float16_t* p) {
  return hn::PromoteTo(d, hn::LoadU(hn::Rebind<hwy::float16_t, D>(), p));
}
HWY_INLINE float ToF32(float v) { return v; }
HWY_INLINE float ToF32(hwy::bfloat16_t v) { return bf16_to_f32(v.bits); }
HWY_INLINE float ToF32(hwy::float16_t v) {
  uint16_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return f16_to_f32(bits);
}

constexpr int64_t MR = kGemmMR;

// c (MR rows, stride ldc) = / += a (packed [kc][MR]) . b (packed [kc][2 * lanes]).
template <class D>
HWY_INLINE void MicroKernel(D d, const float* HWY_RESTRICT a, const float* HWY_RESTRICT b,
                            int64_t kc, float* HWY_RESTRICT c, int64_t ldc, bool accumulate) {
  using V = hn::Vec<D>;
  const size_t L = hn::Lanes(d);
  V c00 = hn::Zero(d), c01 = hn::Zero(d), c10 = hn::Zero(d), c11 = hn::Zero(d);
  V c20 = hn::Zero(d), c21 = hn::Zero(d), c30 = hn::Zero(d), c31 = hn::Zero(d);
  V c40 = hn::Zero(d), c41 = hn::Zero(d), c50 = hn::Zero(d), c51 = hn::Zero(d);
  for (int64_t k = 0; k < kc; ++k) {
    const V b0 = hn::Load(d, b), b1 = hn::Load(d, b + L);
    V av = hn::Set(d, a[0]);
    c00 = hn::MulAdd(av, b0, c00);
    c01 = hn::MulAdd(av, b1, c01);
    av = hn::Set(d, a[1]);
    c10 = hn::MulAdd(av, b0, c10);
    c11 = hn::MulAdd(av, b1, c11);
    av = hn::Set(d, a[2]);
    c20 = hn::MulAdd(av, b0, c20);
    c21 = hn::MulAdd(av, b1, c21);
    av = hn::Set(d, a[3]);
    c30 = hn::MulAdd(av, b0, c30);
    c31 = hn::MulAdd(av, b1, c31);
    av = hn::Set(d, a[4]);
    c40 = hn::MulAdd(av, b0, c40);
    c41 = hn::MulAdd(av, b1, c41);
    av = hn::Set(d, a[5]);
    c50 = hn::MulAdd(av, b0, c50);
    c51 = hn::MulAdd(av, b1, c51);
    a += MR;
    b += 2 * L;
  }
  const V rows[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  for (int64_t i = 0; i < MR; ++i) {
    float* r = c + i * ldc;
    if (accumulate) {
      hn::StoreU(hn::Add(hn::LoadU(d, r), rows[i][0]), d, r);
      hn::StoreU(hn::Add(hn::LoadU(d, r + L), rows[i][1]), d, r + L);
    } else {
      hn::StoreU(rows[i][0], d, r);
      hn::StoreU(rows[i][1], d, r + L);
    }
  }
}

// Widens rows [0, nb) x columns [k0, k0 + kb) of w into micro-panels of NR columns, [kb][NR]
// each, zero-padding the last panel's columns past nb.
template <class D, class W>
void PackW(D d, const W* HWY_RESTRICT w, int64_t ldw, int64_t nb, int64_t k0, int64_t kb,
           float* HWY_RESTRICT dst) {
  const int64_t L = static_cast<int64_t>(hn::Lanes(d));
  const int64_t NR = 2 * L;
  HWY_ALIGN float tmp[kGemmMaxNR * 64];  // NR rows x 64 columns, widened
  for (int64_t j0 = 0; j0 < nb; j0 += NR) {
    float* panel = dst + j0 * kb;
    const int64_t nj = std::min(NR, nb - j0);
    for (int64_t kk = 0; kk < kb; kk += 64) {
      const int64_t nk = std::min<int64_t>(64, kb - kk);
      for (int64_t j = 0; j < NR; ++j) {
        float* t = tmp + j * 64;
        if (j >= nj) {
          std::fill(t, t + 64, 0.0f);
          continue;
        }
        const W* src = w + (j0 + j) * ldw + k0 + kk;
        int64_t k = 0;
        for (; k + L <= nk; k += L) hn::Store(LoadF32(d, src + k), d, t + k);
        for (; k < nk; ++k) t[k] = ToF32(src[k]);
      }
      // Transpose the NR x nk tile into [nk][NR].
      float* out = panel + kk * NR;
      for (int64_t k = 0; k < nk; ++k)
        for (int64_t j = 0; j < NR; ++j) out[k * NR + j] = tmp[j * 64 + k];
    }
  }
}

template <class W>
void PanelT(const float* xpacked, int64_t T, int64_t K, const W* w, int64_t ldw, int64_t nb,
            float* scratch, float* y, int64_t ldy) {
  const hn::ScalableTag<float> d;
  const int64_t L = static_cast<int64_t>(hn::Lanes(d));
  const int64_t NR = 2 * L;
  const int64_t panels = (T + MR - 1) / MR, Tpad = panels * MR;
  HWY_ALIGN float edge[MR * kGemmMaxNR];
  for (int64_t k0 = 0; k0 < K; k0 += kGemmKC) {
    const int64_t kb = std::min(kGemmKC, K - k0);
    PackW(d, w, ldw, nb, k0, kb, scratch);
    const float* xblock = xpacked + k0 * Tpad;
    const bool acc = k0 > 0;
    for (int64_t j0 = 0; j0 < nb; j0 += NR) {
      const float* bp = scratch + j0 * kb;
      const int64_t nj = std::min(NR, nb - j0);
      for (int64_t p = 0; p < panels; ++p) {
        const float* ap = xblock + p * MR * kb;
        const int64_t t0 = p * MR, ni = std::min(MR, T - t0);
        float* c = y + t0 * ldy + j0;
        if (ni == MR && nj == NR) {
          MicroKernel(d, ap, bp, kb, c, ldy, acc);
        } else {
          MicroKernel(d, ap, bp, kb, edge, NR, false);
          for (int64_t i = 0; i < ni; ++i)
            for (int64_t j = 0; j < nj; ++j)
              c[i * ldy + j] = acc ? c[i * ldy + j] + edge[i * NR + j] : edge[i * NR + j];
        }
      }
    }
  }
}

}  // namespace gemm_detail

void GemmPanel(const float* xpacked, int64_t T, int64_t K, const void* w, Elem e, int64_t ldw,
               int64_t nb, float* scratch, float* y, int64_t ldy) {
  using namespace gemm_detail;
  if (e == Elem::BF16)
    return PanelT(xpacked, T, K, static_cast<const hwy::bfloat16_t*>(w), ldw, nb, scratch, y, ldy);
  if (e == Elem::F16)
    return PanelT(xpacked, T, K, static_cast<const hwy::float16_t*>(w), ldw, nb, scratch, y, ldy);
  return PanelT(xpacked, T, K, static_cast<const float*>(w), ldw, nb, scratch, y, ldy);
}

}  // namespace archscope::cpu::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace archscope::cpu {

HWY_EXPORT(GemmPanel);

size_t gemm_packed_x_floats(int64_t T, int64_t K) {
  return static_cast<size_t>((T + kGemmMR - 1) / kGemmMR * kGemmMR * K);
}

void gemm_pack_x(const float* x, int64_t ldx, int64_t T, int64_t K, int64_t p0, int64_t p1,
                 float* dst) {
  const int64_t Tpad = (T + kGemmMR - 1) / kGemmMR * kGemmMR;
  for (int64_t k0 = 0; k0 < K; k0 += kGemmKC) {
    const int64_t kb = std::min(kGemmKC, K - k0);
    for (int64_t p = p0; p < p1; ++p) {
      float* out = dst + k0 * Tpad + p * kGemmMR * kb;
      for (int64_t i = 0; i < kGemmMR; ++i) {
        const int64_t t = p * kGemmMR + i;
        if (t >= T) {
          for (int64_t k = 0; k < kb; ++k) out[k * kGemmMR + i] = 0.0f;
          continue;
        }
        const float* src = x + t * ldx + k0;
        for (int64_t k = 0; k < kb; ++k) out[k * kGemmMR + i] = src[k];
      }
    }
  }
}

size_t gemm_w_scratch_floats(int64_t nb) {
  return static_cast<size_t>((nb + kGemmMaxNR - 1) / kGemmMaxNR * kGemmMaxNR * kGemmKC);
}

void gemm_panel(const float* xpacked, int64_t T, int64_t K, const void* w, Elem w_elem,
                int64_t ldw, int64_t nb, float* scratch, float* y, int64_t ldy) {
  HWY_DYNAMIC_DISPATCH(GemmPanel)(xpacked, T, K, w, w_elem, ldw, nb, scratch, y, ldy);
}

}  // namespace archscope::cpu
#endif
