// Highway foreach_target: this file is re-included once per target with HWY_NAMESPACE set.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "cpu/simd/attention_kernels.cpp"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"
#include "hwy/cache_control.h"
#include "hwy/contrib/math/math-inl.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "cpu/half.hpp"
#include "cpu/simd/attention_kernels.hpp"
#include "quant/kv_rows.hpp"

HWY_BEFORE_NAMESPACE();
namespace archscope::cpu::HWY_NAMESPACE {
namespace attn {  // own namespace: kernels.cpp defines helpers of the same names per target
namespace hn = hwy::HWY_NAMESPACE;
using DF = hn::ScalableTag<float>;
using VF = hn::Vec<DF>;

constexpr int64_t KB = kAttnKeyBlock;

HWY_INLINE VF LoadF32(DF d, const float* p) { return hn::LoadU(d, p); }
HWY_INLINE VF LoadF32(DF d, const hwy::bfloat16_t* p) {
  return hn::PromoteTo(d, hn::LoadU(hn::Rebind<hwy::bfloat16_t, DF>(), p));
}
HWY_INLINE VF LoadF32(DF d, const hwy::float16_t* p) {
  return hn::PromoteTo(d, hn::LoadU(hn::Rebind<hwy::float16_t, DF>(), p));
}

HWY_INLINE float ToF32(float v) { return v; }
HWY_INLINE float ToF32(hwy::bfloat16_t v) { return bf16_to_f32(v.bits); }
HWY_INLINE float ToF32(hwy::float16_t v) {  // x86: hwy emulates float16_t as a bits struct
  uint16_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return f16_to_f32(bits);
}

inline size_t RoundUp(size_t n, size_t m) { return (n + m - 1) / m * m; }

// nk key rows (qk_dim wide, type KT) -> fp32 rows of dqp floats, zero-padded past qk_dim.
template <class KT>
void WidenKeys(const char* const* kp, int64_t nk, size_t dq, size_t dqp, float* HWY_RESTRICT kf) {
  const DF d;
  const size_t n = hn::Lanes(d);
  for (int64_t j = 0; j < nk; ++j) {
    const KT* src = reinterpret_cast<const KT*>(kp[j]);
    float* dst = kf + static_cast<size_t>(j) * dqp;
    size_t c = 0;
    for (; c + n <= dq; c += n) hn::StoreU(LoadF32(d, src + c), d, dst + c);
    for (; c < dq; ++c) dst[c] = ToF32(src[c]);
    for (; c < dqp; ++c) dst[c] = 0.0f;
  }
}

// The fp32 value of each of the 256 codes of an INT8 or FP8 (E4M3) pool, before the scale.
const float* CodeValues(Elem e) {
  static const auto table = [] {
    std::array<std::array<float, 256>, 2> t{};
    for (int c = 0; c < 256; ++c) {
      t[0][c] = quant::kv_code_value(quant::KvCode::Int8, static_cast<uint8_t>(c));
      t[1][c] = quant::kv_code_value(quant::KvCode::Fp8, static_cast<uint8_t>(c));
    }
    return t;
  }();
  return e == Elem::INT8 ? table[0].data() : table[1].data();
}

// nk quantized rows (dim codes each, scales sp[j]) -> fp32 rows of `stride` floats, zero-padded:
// x = value(code) * scale, the scale of the row's group (two groups split at `split`).
void DequantRows(const char* const* rp, const float* const* sp, int64_t nk, size_t dim,
                 size_t stride, const float* HWY_RESTRICT values, int64_t groups, int64_t split,
                 float* HWY_RESTRICT out) {
  const size_t lim = groups == 2 ? static_cast<size_t>(split) : dim;
  for (int64_t j = 0; j < nk; ++j) {
    const auto* q = reinterpret_cast<const uint8_t*>(rp[j]);
    const float s0 = sp[j][0], s1 = groups == 2 ? sp[j][1] : s0;
    float* dst = out + static_cast<size_t>(j) * stride;
    size_t c = 0;
    for (; c < lim; ++c) dst[c] = values[q[c]] * s0;
    for (; c < dim; ++c) dst[c] = values[q[c]] * s1;
    for (; c < stride; ++c) dst[c] = 0.0f;
  }
}

#if HWY_TARGET != HWY_SCALAR
// Sums of 128-bit blocks: halves the vector until one block (4 floats) is left.
template <class D>
HWY_INLINE hn::Vec<hn::CappedTag<float, 4>> SumBlocks(D d, hn::Vec<D> v) {
  if constexpr (hn::MaxLanes(d) <= 4) {
    return v;
  } else {
    const hn::Half<D> dh;
    return SumBlocks(dh, hn::Add(hn::LowerHalf(dh, v), hn::UpperHalf(dh, v)));
  }
}

// The lane sums of four vectors at once: out[i] = sum of a_i's lanes (one transpose-and-add
// tree instead of four full horizontal reductions).
HWY_INLINE void Reduce4(VF a0, VF a1, VF a2, VF a3, float* out) {
  const DF d;
  const hn::Repartition<double, DF> dd;
  const VF t0 = hn::Add(hn::InterleaveLower(d, a0, a1), hn::InterleaveUpper(d, a0, a1));  // a0 a1 a0 a1
  const VF t1 = hn::Add(hn::InterleaveLower(d, a2, a3), hn::InterleaveUpper(d, a2, a3));  // a2 a3 a2 a3
  const auto b0 = hn::BitCast(dd, t0), b1 = hn::BitCast(dd, t1);
  const VF u = hn::Add(hn::BitCast(d, hn::InterleaveLower(dd, b0, b1)),
                       hn::BitCast(d, hn::InterleaveUpper(dd, b0, b1)));  // a0 a1 a2 a3 per block
  const hn::CappedTag<float, 4> d4;
  hn::StoreU(SumBlocks(d, u), d4, out);
}
#endif

// s[i * ss + j] = q_i . k_j for NR query rows (stride dqp) and nk widened keys; two keys per pass
// so each query vector load feeds two FMAs.
// Issues the prefetches of rows [j0, j1) of a later block (pf: row pointers, row_bytes each).
HWY_INLINE void PrefetchRows(const char* const* pf, int64_t j0, int64_t j1, size_t row_bytes) {
  for (int64_t j = j0; j < j1; ++j)
    for (size_t c = 0; c < row_bytes; c += 64) hwy::Prefetch(pf[j] + c);
}

// Prefetches are spread over the loops (pf_n rows of pf, row_bytes each, about evenly over the
// passes): a burst of a whole block's lines overflows the core's miss buffers and gets dropped.
template <int NR>
void Scores(const float* HWY_RESTRICT q, size_t dqp, const float* HWY_RESTRICT kf, int64_t nk,
            float* HWY_RESTRICT s, size_t ss, const char* const* pf, int64_t pf_n, size_t row_bytes) {
  const DF d;
  const size_t n = hn::Lanes(d);
  int64_t j = 0;
  for (; j + 2 <= nk; j += 2) {
    if (j < pf_n) PrefetchRows(pf, j, std::min<int64_t>(j + 2, pf_n), row_bytes);
    const float* k0 = kf + static_cast<size_t>(j) * dqp;
    const float* k1 = k0 + dqp;
    VF a0[NR], a1[NR];
    for (int i = 0; i < NR; ++i) a0[i] = a1[i] = hn::Zero(d);
    for (size_t c = 0; c < dqp; c += n) {
      const VF kv0 = hn::LoadU(d, k0 + c), kv1 = hn::LoadU(d, k1 + c);
      for (int i = 0; i < NR; ++i) {
        const VF qv = hn::LoadU(d, q + i * dqp + c);
        a0[i] = hn::MulAdd(kv0, qv, a0[i]);
        a1[i] = hn::MulAdd(kv1, qv, a1[i]);
      }
    }
    int i = 0;
#if HWY_TARGET != HWY_SCALAR
    for (; i + 2 <= NR; i += 2) {
      float r4[4];
      Reduce4(a0[i], a1[i], a0[i + 1], a1[i + 1], r4);
      s[i * ss + static_cast<size_t>(j)] = r4[0];
      s[i * ss + static_cast<size_t>(j) + 1] = r4[1];
      s[(i + 1) * ss + static_cast<size_t>(j)] = r4[2];
      s[(i + 1) * ss + static_cast<size_t>(j) + 1] = r4[3];
    }
#endif
    for (; i < NR; ++i) {
      s[i * ss + static_cast<size_t>(j)] = hn::GetLane(hn::SumOfLanes(d, a0[i]));
      s[i * ss + static_cast<size_t>(j) + 1] = hn::GetLane(hn::SumOfLanes(d, a1[i]));
    }
  }
  if (j < pf_n) PrefetchRows(pf, j, pf_n, row_bytes);
  if (j < nk) {
    const float* k0 = kf + static_cast<size_t>(j) * dqp;
    VF a0[NR];
    for (int i = 0; i < NR; ++i) a0[i] = hn::Zero(d);
    for (size_t c = 0; c < dqp; c += n) {
      const VF kv0 = hn::LoadU(d, k0 + c);
      for (int i = 0; i < NR; ++i) a0[i] = hn::MulAdd(kv0, hn::LoadU(d, q + i * dqp + c), a0[i]);
    }
    for (int i = 0; i < NR; ++i) s[i * ss + static_cast<size_t>(j)] = hn::GetLane(hn::SumOfLanes(d, a0[i]));
  }
}

// o_i[0, dv) += sum_j p[i * ps + j] * v_j for NR rows (stride dvp) and nk value rows of type VT.
template <class VT, int NR>
void AccumV(const char* const* vp, int64_t nk, size_t dv, const float* HWY_RESTRICT p, size_t ps,
            float* HWY_RESTRICT o, size_t dvp, const char* const* pf, int64_t pf_n, size_t row_bytes) {
  const DF d;
  const size_t n = hn::Lanes(d);
  size_t c = 0;
  for (; c + 2 * n <= dv; c += 2 * n) {  // two vectors per pass: 2 * NR independent FMA chains
    VF a0[NR], a1[NR];
    for (int i = 0; i < NR; ++i) {
      a0[i] = hn::LoadU(d, o + i * dvp + c);
      a1[i] = hn::LoadU(d, o + i * dvp + c + n);
    }
    for (int64_t j = 0; j < nk; ++j) {
      if (c == 0 && j < pf_n) PrefetchRows(pf, j, j + 1, row_bytes);
      const VT* src = reinterpret_cast<const VT*>(vp[j]) + c;
      const VF v0 = LoadF32(d, src), v1 = LoadF32(d, src + n);
      for (int i = 0; i < NR; ++i) {
        const VF w = hn::Set(d, p[i * ps + static_cast<size_t>(j)]);
        a0[i] = hn::MulAdd(w, v0, a0[i]);
        a1[i] = hn::MulAdd(w, v1, a1[i]);
      }
    }
    for (int i = 0; i < NR; ++i) {
      hn::StoreU(a0[i], d, o + i * dvp + c);
      hn::StoreU(a1[i], d, o + i * dvp + c + n);
    }
    if (c == 0 && nk < pf_n) PrefetchRows(pf, nk, pf_n, row_bytes);
    pf_n = 0;
  }
  if (pf_n > 0) PrefetchRows(pf, 0, pf_n, row_bytes);
  for (; c + n <= dv; c += n) {
    VF a0[NR];
    for (int i = 0; i < NR; ++i) a0[i] = hn::LoadU(d, o + i * dvp + c);
    for (int64_t j = 0; j < nk; ++j) {
      const VF v0 = LoadF32(d, reinterpret_cast<const VT*>(vp[j]) + c);
      for (int i = 0; i < NR; ++i) a0[i] = hn::MulAdd(hn::Set(d, p[i * ps + static_cast<size_t>(j)]), v0, a0[i]);
    }
    for (int i = 0; i < NR; ++i) hn::StoreU(a0[i], d, o + i * dvp + c);
  }
  for (; c < dv; ++c)  // tail: never reads past v_dim
    for (int64_t j = 0; j < nk; ++j) {
      const float v = ToF32(reinterpret_cast<const VT*>(vp[j])[c]);
      for (int i = 0; i < NR; ++i) o[i * dvp + c] += p[i * ps + static_cast<size_t>(j)] * v;
    }
}

template <class VT>
void AccumVRows(int nr, const char* const* vp, int64_t nk, size_t dv, const float* p, size_t ps, float* o,
                size_t dvp, const char* const* pf, int64_t pf_n, size_t row_bytes) {
  switch (nr) {
    case 1: return AccumV<VT, 1>(vp, nk, dv, p, ps, o, dvp, pf, pf_n, row_bytes);
    case 2: return AccumV<VT, 2>(vp, nk, dv, p, ps, o, dvp, pf, pf_n, row_bytes);
    case 3: return AccumV<VT, 3>(vp, nk, dv, p, ps, o, dvp, pf, pf_n, row_bytes);
    default: return AccumV<VT, 4>(vp, nk, dv, p, ps, o, dvp, pf, pf_n, row_bytes);
  }
}

struct Scratch {
  std::vector<float> q, k, o, s, v;  // v: a key block's dequantized value rows (quantized pools)
};

}  // namespace attn

void AttentionTile(const AttnKeys& kv, const AttnRows& rows, int64_t begin, int64_t end, float scale,
                   float softcap, float* const* o_out, float* m, float* l) {
  using namespace attn;
  const DF d;
  const size_t n = hn::Lanes(d);
  const int R = rows.n;
  const size_t dq = static_cast<size_t>(kv.qk_dim), dv = static_cast<size_t>(kv.v_dim);
  const size_t dqp = RoundUp(dq, n), dvp = RoundUp(dv, n), ss = RoundUp(static_cast<size_t>(KB), n);
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();

  thread_local Scratch sc;  // bounded: kAttnMaxRows rows and one key block
  if (sc.q.size() < R * dqp) sc.q.resize(R * dqp);
  if (sc.k.size() < KB * dqp) sc.k.resize(KB * dqp);
  if (sc.o.size() < R * dvp) sc.o.resize(R * dvp);
  if (sc.s.size() < R * ss) sc.s.resize(R * ss);
  float* qf = sc.q.data();
  float* kf = sc.k.data();
  float* of = sc.o.data();
  float* sf = sc.s.data();
  for (int r = 0; r < R; ++r) {
    std::memcpy(qf + r * dqp, rows.q[r], dq * sizeof(float));
    std::fill(qf + r * dqp + dq, qf + (r + 1) * dqp, 0.0f);
  }
  std::fill(of, of + R * dvp, 0.0f);
  float mr[kAttnMaxRows], lr[kAttnMaxRows];
  for (int r = 0; r < R; ++r) mr[r] = m[r], lr[r] = l[r];

  // Row pointers of the current and the next key block: the next block's rows are prefetched
  // while this one is computed (decode is bound by the K/V loads; one kv head's rows are
  // kv_heads rows apart and, across 16-token pool blocks, not even at a fixed stride).
  const char* kpb[2][KB];
  const char* vpb[2][KB];
  const int64_t bs = kv.block_size;
  int64_t page = begin / bs, off = begin % bs;
  const size_t k_row_bytes = dq * static_cast<size_t>(elem_bits(kv.k_elem) / 8);
  const size_t v_row_bytes = dv * static_cast<size_t>(elem_bits(kv.v_elem) / 8);
  const bool quantized = kv.k_scale != nullptr;
  const float* ksb[2][KB];  // quantized pools: the scales of each row
  const float* vsb[2][KB];
  if (quantized && sc.v.size() < KB * dvp) sc.v.resize(KB * dvp);
  auto walk = [&](int64_t jb, int which) {  // walk the block table
    const int64_t nk = std::min<int64_t>(KB, end - jb);
    for (int64_t j = 0; j < nk; ++j) {
      const int64_t slot = static_cast<int64_t>(kv.table[page]) * bs + off;
      kpb[which][j] = kv.k + static_cast<size_t>(slot) * kv.k_slot_bytes;
      vpb[which][j] = kv.v + static_cast<size_t>(slot) * kv.v_slot_bytes;
      if (quantized) {
        ksb[which][j] = kv.k_scale + static_cast<size_t>(slot) * kv.scale_slot_floats;
        vsb[which][j] = kv.v_scale + static_cast<size_t>(slot) * kv.scale_slot_floats;
      }
      if (++off == bs) off = 0, ++page;
    }
  };
  auto prefetch = [&](const char* const* kp, const char* const* vp, int64_t j0, int64_t j1) {
    for (int64_t j = j0; j < j1; ++j) {
      for (size_t c = 0; c < k_row_bytes; c += 64) hwy::Prefetch(kp[j] + c);
      for (size_t c = 0; c < v_row_bytes; c += 64) hwy::Prefetch(vp[j] + c);
    }
  };
  if (begin < end) {
    walk(begin, 0);
    prefetch(kpb[0], vpb[0], 0, std::min<int64_t>(KB, end - begin));
  }
  const VF vscale = hn::Set(d, scale), vcap = hn::Set(d, softcap);
  for (int64_t jb = begin, cur = 0; jb < end; jb += KB, cur ^= 1) {
    const int64_t nk = std::min<int64_t>(KB, end - jb);
    const char* const* kp = kpb[cur];
    const char* const* vp = vpb[cur];
    const int64_t nk_next = jb + KB < end ? std::min<int64_t>(KB, end - jb - KB) : 0;
    if (nk_next > 0) walk(jb + KB, static_cast<int>(cur ^ 1));
    bool active[kAttnMaxRows];
    bool any = false;
    for (int r = 0; r < R; ++r) any |= active[r] = rows.lo[r] < jb + nk && rows.hi[r] >= jb;
    if (!any) {
      prefetch(kpb[cur ^ 1], vpb[cur ^ 1], 0, nk_next);
      continue;
    }
    // The next block's K rows are prefetched during the first row group's scores, its V rows
    // during the first row group's value pass.
    int64_t pfk = nk_next, pfv = nk_next;

    if (quantized)
      DequantRows(kp, ksb[cur], nk, dq, dqp, CodeValues(kv.k_elem), kv.groups, kv.scale_split, kf);
    else if (kv.k_elem == Elem::BF16)
      WidenKeys<hwy::bfloat16_t>(kp, nk, dq, dqp, kf);
    else if (kv.k_elem == Elem::F16) WidenKeys<hwy::float16_t>(kp, nk, dq, dqp, kf);
    else WidenKeys<float>(kp, nk, dq, dqp, kf);

    for (int r0 = 0; r0 < R; r0 += 4) {
      const int nr = std::min(4, R - r0);
      bool need = false;
      for (int i = 0; i < nr; ++i) need |= active[r0 + i];
      if (!need) continue;
      const float* q = qf + r0 * dqp;
      float* s = sf + r0 * ss;
      const char* const* pf = kpb[cur ^ 1];
      switch (nr) {
        case 1: Scores<1>(q, dqp, kf, nk, s, ss, pf, pfk, k_row_bytes); break;
        case 2: Scores<2>(q, dqp, kf, nk, s, ss, pf, pfk, k_row_bytes); break;
        case 3: Scores<3>(q, dqp, kf, nk, s, ss, pf, pfk, k_row_bytes); break;
        default: Scores<4>(q, dqp, kf, nk, s, ss, pf, pfk, k_row_bytes); break;
      }
      pfk = 0;
    }

    // Scores -> weights in place, online softmax update of m, l and the o rows.
    for (int r = 0; r < R; ++r) {
      float* s = sf + r * ss;
      if (!active[r]) {
        std::fill(s, s + ss, 0.0f);
        continue;
      }
      VF vmax = hn::Set(d, kNegInf);
      for (size_t c = 0; c < ss; c += n) {
        VF x = hn::Mul(hn::LoadU(d, s + c), vscale);
        if (softcap > 0.0f) x = hn::Mul(vcap, hn::Tanh(d, hn::Div(x, vcap)));
        hn::StoreU(x, d, s + c);
      }
      // Keys of the block outside the row's [lo, hi] (mask) or past the block's end.
      const int64_t a = std::max<int64_t>(0, rows.lo[r] - jb), b = std::min<int64_t>(nk, rows.hi[r] - jb + 1);
      for (int64_t j = 0; j < a; ++j) s[j] = kNegInf;
      for (size_t j = static_cast<size_t>(b); j < ss; ++j) s[j] = kNegInf;
      for (size_t c = 0; c < ss; c += n) vmax = hn::Max(vmax, hn::LoadU(d, s + c));
      const float bmax = hn::GetLane(hn::MaxOfLanes(d, vmax));
      const float mnew = std::max(mr[r], bmax);
      if (mnew == kNegInf) {  // only NaN/-inf logits so far: nothing to add
        std::fill(s, s + ss, 0.0f);
        continue;
      }
      const float alpha = mr[r] == kNegInf ? 0.0f : std::exp(mr[r] - mnew);
      const VF vm = hn::Set(d, mnew);
      VF vsum = hn::Zero(d);
      for (size_t c = 0; c < ss; c += n) {
        const VF e = hn::Exp(d, hn::Sub(hn::LoadU(d, s + c), vm));  // exp(-inf) = 0: masked keys
        vsum = hn::Add(vsum, e);
        hn::StoreU(e, d, s + c);
      }
      lr[r] = lr[r] * alpha + hn::GetLane(hn::SumOfLanes(d, vsum));
      if (alpha != 1.0f) {
        float* o = of + r * dvp;
        const VF va = hn::Set(d, alpha);
        for (size_t c = 0; c < dvp; c += n) hn::StoreU(hn::Mul(hn::LoadU(d, o + c), va), d, o + c);
      }
      mr[r] = mnew;
    }

    const char* vq[KB];  // quantized pools: the block's value rows dequantized once for all rows
    if (quantized) {
      DequantRows(vp, vsb[cur], nk, dv, dvp, CodeValues(kv.v_elem), kv.groups, kv.scale_split,
                  sc.v.data());
      for (int64_t j = 0; j < nk; ++j)
        vq[j] = reinterpret_cast<const char*>(sc.v.data() + static_cast<size_t>(j) * dvp);
    }
    for (int r0 = 0; r0 < R; r0 += 4) {
      const int nr = std::min(4, R - r0);
      bool need = false;
      for (int i = 0; i < nr; ++i) need |= active[r0 + i];
      if (!need) continue;
      const float* p = sf + r0 * ss;
      float* o = of + r0 * dvp;
      const char* const* pf = vpb[cur ^ 1];
      if (quantized)
        AccumVRows<float>(nr, vq, nk, dv, p, ss, o, dvp, pf, pfv, v_row_bytes);
      else if (kv.v_elem == Elem::BF16)
        AccumVRows<hwy::bfloat16_t>(nr, vp, nk, dv, p, ss, o, dvp, pf, pfv, v_row_bytes);
      else if (kv.v_elem == Elem::F16) AccumVRows<hwy::float16_t>(nr, vp, nk, dv, p, ss, o, dvp, pf, pfv, v_row_bytes);
      else AccumVRows<float>(nr, vp, nk, dv, p, ss, o, dvp, pf, pfv, v_row_bytes);
      pfv = 0;
    }

  }
  for (int r = 0; r < R; ++r) {
    std::memcpy(o_out[r], of + r * dvp, dv * sizeof(float));
    m[r] = mr[r];
    l[r] = lr[r];
  }
}

}  // namespace archscope::cpu::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace archscope::cpu {

HWY_EXPORT(AttentionTile);

void attention_tile(const AttnKeys& kv, const AttnRows& rows, int64_t begin, int64_t end, float scale,
                    float softcap, float* const* o, float* m, float* l) {
  HWY_DYNAMIC_DISPATCH(AttentionTile)(kv, rows, begin, end, scale, softcap, o, m, l);
}

}  // namespace archscope::cpu
#endif
