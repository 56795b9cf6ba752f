// Highway foreach_target: this file is re-included once per target with HWY_NAMESPACE set.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "cpu/simd/packed_kernels.cpp"
#include "cpu/simd/packed_kernels.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"
#include "quant/packed_layout.hpp"

#ifndef ARCHSCOPE_PACKED_KERNELS_ONCE
#define ARCHSCOPE_PACKED_KERNELS_ONCE
namespace archscope::cpu::packed_detail {

// IEEE binary16 bits -> fp32, exact (every binary16 value is an fp32 value), with integer ops
// only: no F16C needed on the SSE4 / scalar targets and no libgcc call per block.
inline float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t e = (h >> 10) & 0x1Fu, m = h & 0x3FFu;
  uint32_t bits;
  if (e == 0) {
    const float v = static_cast<float>(m) * 0x1p-24f;  // subnormal (or zero): m * 2^-24, exact
    std::memcpy(&bits, &v, sizeof bits);
    bits |= sign;
  } else if (e == 31) {
    bits = sign | 0x7F800000u | (m << 13);  // inf / NaN
  } else {
    bits = sign | ((e + 112) << 23) | (m << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

inline float block_scale(const uint8_t* block) {  // the fp16 scale leading q8_0 / q4_0 blocks
  uint16_t h;
  std::memcpy(&h, block, sizeof h);
  return half_to_float(h);
}

// Element i (0..31) of a q8_0 / q4_0 block as its integer code, scalar (partial blocks).
inline int q8_0_code(const uint8_t* block, int64_t i) {
  return static_cast<int8_t>(block[2 + i]);
}
inline int q4_0_code(const uint8_t* block, int64_t i) {
  const uint8_t b = block[2 + (i & 15)];
  return (i < 16 ? (b & 15) : (b >> 4)) - 8;
}

}  // namespace archscope::cpu::packed_detail
#endif

HWY_BEFORE_NAMESPACE();
namespace archscope::cpu::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using namespace packed_detail;

// At most 16 lanes: a 32-element block is then a whole number of vectors on every x86 target.
using DF = hn::CappedTag<float, 16>;
using VF = hn::Vec<DF>;
constexpr int64_t kB = 32;

// The codes of block elements [u * L, u * L + L) (q8_0) as fp32 lanes.
HWY_INLINE VF Q8Codes(DF df, const uint8_t* block, size_t u) {
  const hn::Rebind<int32_t, DF> di;
  const hn::Rebind<int8_t, DF> d8;
  const size_t L = hn::Lanes(df);
  return hn::ConvertTo(
      df, hn::PromoteTo(di, hn::LoadU(d8, reinterpret_cast<const int8_t*>(block + 2) + u * L)));
}

// Lane i = i - 8: with 16 lanes, every q4_0 code's value.
HWY_INLINE VF Q4Table(DF df) { return hn::Iota(df, -8.0f); }

// q4_0: bytes [u * L, u * L + L) hold elements u * L.. (low nibbles) and 16 + u * L.. (high),
// as fp32 q - 8 (exact). `table` is Q4Table(df).
HWY_INLINE void Q4Codes(DF df, const uint8_t* block, size_t u, VF table, VF& lo, VF& hi) {
  const hn::Rebind<int32_t, DF> di;
  const hn::Rebind<uint8_t, DF> d8;
  const size_t L = hn::Lanes(df);
  const auto b = hn::PromoteTo(di, hn::LoadU(d8, block + 2 + u * L));
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
  // 16 lanes: vpermps picks table[idx & 15] per lane, so the zero-extended byte indexes the low
  // nibble as it is and the shifted one the high nibble: no and, subtract or convert.
  if constexpr (hn::MaxLanes(DF()) == 16) {
    lo = VF{_mm512_permutexvar_ps(b.raw, table.raw)};
    hi = VF{_mm512_permutexvar_ps(hn::ShiftRight<4>(b).raw, table.raw)};
    return;
  }
#endif
  (void)table;  // other targets: and, subtract, convert
  const auto eight = hn::Set(di, 8);
  lo = hn::ConvertTo(df, hn::Sub(hn::And(b, hn::Set(di, 15)), eight));
  hi = hn::ConvertTo(df, hn::Sub(hn::ShiftRight<4>(b), eight));
}

// The block's fp16 scale broadcast to every lane, converted by the vector unit (F16C where the
// target has it; Highway's exact emulation elsewhere): a few instructions instead of a scalar
// conversion per block.
HWY_INLINE VF ScaleVec(DF df, const uint8_t* block) {
  const hn::Rebind<uint16_t, DF> du;
  const hn::Rebind<hwy::float16_t, DF> dh;
  uint16_t h;
  std::memcpy(&h, block, sizeof h);
  return hn::PromoteTo(df, hn::BitCast(dh, hn::Set(du, h)));
}

template <Elem E>
constexpr size_t BlockBytes() {
  return E == Elem::Q8_0 ? sizeof(quant::BlockQ8_0) : sizeof(quant::BlockQ4_0);
}

// Software prefetch (non-temporal) of each row's block kPrefetchBlocks ahead. The hardware
// prefetchers alone lose the four weight streams once a fifth, the activations, no longer sits in
// L1 (K = 8192: 32 KiB of x): bench_linear --threads 1 on the Zen 5 host, down 2048 x 8192, went
// from 15-23 to 30-31 GB/s (q8_0, 2048 bytes ahead) and 13.5-14.5 to 18.5-22.6 (q4_0, 1024 bytes
// ahead); 512 bytes ahead was worse than none, the K = 2048 shapes were level. 60 blocks is
// about 2 KiB of q8_0 and 1 KiB of q4_0.
constexpr size_t kPrefetchBlocks = 60;

// One full block (index b) of NW rows against NX activation rows: acc[r][j] += d_r * (sum of the
// block's products), the products summed per lane first so each block scale is one multiply.
template <Elem E, int NW, int NX>
HWY_INLINE void BlockStep(DF df, VF table, const uint8_t* HWY_RESTRICT w, size_t rstride, int64_t b,
                          const float* const* x, VF (&acc)[NW][NX]) {
  const size_t L = hn::Lanes(df);
  const size_t k0 = static_cast<size_t>(b * kB);
  const uint8_t* blk[NW];
  for (int r = 0; r < NW; ++r) blk[r] = w + r * rstride + static_cast<size_t>(b) * BlockBytes<E>();
  for (int r = 0; r < NW; ++r)  // a hint: never faults, so the address may lie past the matrix
    __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(blk[r]) +
                                                     kPrefetchBlocks * BlockBytes<E>()),
                       0, 0);
  VF sum[NW][NX];  // zeroed for the compiler's sake: lane group u = 0 overwrites it
  for (int r = 0; r < NW; ++r)
    for (int j = 0; j < NX; ++j) sum[r][j] = hn::Zero(df);
  if constexpr (E == Elem::Q8_0) {
    for (size_t u = 0; u < kB / L; ++u) {
      VF xv[NX];
      for (int j = 0; j < NX; ++j) xv[j] = hn::LoadU(df, x[j] + k0 + u * L);
      for (int r = 0; r < NW; ++r) {
        const VF q = Q8Codes(df, blk[r], u);
        for (int j = 0; j < NX; ++j)
          sum[r][j] = u == 0 ? hn::Mul(q, xv[j]) : hn::MulAdd(q, xv[j], sum[r][j]);
      }
    }
  } else {
    for (size_t u = 0; u < 16 / L; ++u) {
      VF xlo[NX], xhi[NX];
      for (int j = 0; j < NX; ++j) {
        xlo[j] = hn::LoadU(df, x[j] + k0 + u * L);
        xhi[j] = hn::LoadU(df, x[j] + k0 + 16 + u * L);
      }
      for (int r = 0; r < NW; ++r) {
        VF lo, hi;
        Q4Codes(df, blk[r], u, table, lo, hi);
        for (int j = 0; j < NX; ++j) {
          sum[r][j] = u == 0 ? hn::Mul(lo, xlo[j]) : hn::MulAdd(lo, xlo[j], sum[r][j]);
          sum[r][j] = hn::MulAdd(hi, xhi[j], sum[r][j]);
        }
      }
    }
  }
  for (int r = 0; r < NW; ++r) {
    const VF dv = ScaleVec(df, blk[r]);
    for (int j = 0; j < NX; ++j) acc[r][j] = hn::MulAdd(sum[r][j], dv, acc[r][j]);
  }
}

// NW packed rows (rstride bytes apart; out[r * ostride]) against NX activation rows in one pass:
// each activation vector is loaded once per NW rows (K = 8192 activations do not stay in L1
// beside the weight stream) and NW * NX block sums are independent chains. With fewer than 4 such
// chains, consecutive blocks go to C = 4 / (NW * NX) separate accumulators: one chain would wait
// on the previous block's FMA (4 cycles on Zen) for every block, several overlap.
template <Elem E, int NW, int NX>
void DotRowT(const uint8_t* HWY_RESTRICT w, size_t rstride, size_t ostride, const float* const* x,
             size_t K, float* out, size_t os) {
  constexpr int C = NW * NX >= 4 ? 1 : 4 / (NW * NX);
  const DF df;
  const VF table = Q4Table(df);
  const int64_t full = static_cast<int64_t>(K) / kB, rem = static_cast<int64_t>(K) % kB;
  VF acc[C][NW][NX];
  for (int c = 0; c < C; ++c)
    for (int r = 0; r < NW; ++r)
      for (int j = 0; j < NX; ++j) acc[c][r][j] = hn::Zero(df);
  int64_t b = 0;
  for (; b + C <= full; b += C)
    for (int c = 0; c < C; ++c) BlockStep<E, NW, NX>(df, table, w, rstride, b + c, x, acc[c]);
  for (; b < full; ++b) BlockStep<E, NW, NX>(df, table, w, rstride, b, x, acc[0]);
  for (int c = 1; c < C; ++c)
    for (int r = 0; r < NW; ++r)
      for (int j = 0; j < NX; ++j) acc[0][r][j] = hn::Add(acc[0][r][j], acc[c][r][j]);
  for (int r = 0; r < NW; ++r) {
    const uint8_t* last = w + r * rstride + static_cast<size_t>(full) * BlockBytes<E>();
    for (int j = 0; j < NX; ++j) {
      float total = hn::GetLane(hn::SumOfLanes(df, acc[0][r][j]));
      if (rem > 0) {  // the partial last block, scalar: never reads x past K
        const float* xr = x[j] + full * kB;
        float s = 0.0f;
        for (int64_t i = 0; i < rem; ++i)
          s +=
              static_cast<float>(E == Elem::Q8_0 ? q8_0_code(last, i) : q4_0_code(last, i)) * xr[i];
        total += s * block_scale(last);
      }
      out[j * os + r * ostride] = total;
    }
  }
}

// rows rows (row_bytes apart), nw (1, 2 or 4) at a time, then single rows for the remainder.
// The nw rows of a pass are rows / nw apart, not adjacent: each of the nw streams then runs over
// a long contiguous stretch, which the hardware prefetchers follow; adjacent rows would restart
// nw short streams every pass (K = 2048 q4_0 rows are 18 cache lines: 2-4x slower, measured).
template <Elem E, int NX>
void DotRowsT(const uint8_t* w, size_t row_bytes, int64_t rows, int nw, const float* const* x,
              size_t K, float* out, size_t os) {
  const auto spread = [&](auto nw_c) {
    constexpr int NW = decltype(nw_c)::value;
    const int64_t q = rows / NW;
    for (int64_t i = 0; i < q; ++i)
      DotRowT<E, NW, NX>(w + static_cast<size_t>(i) * row_bytes, static_cast<size_t>(q) * row_bytes,
                         static_cast<size_t>(q), x, K, out + i, os);
    return q * NW;
  };
  int64_t r = 0;
  if (nw >= 4)
    r = spread(std::integral_constant<int, 4>());
  else if (nw >= 2)
    r = spread(std::integral_constant<int, 2>());
  for (; r < rows; ++r)
    DotRowT<E, 1, NX>(w + static_cast<size_t>(r) * row_bytes, row_bytes, 1, x, K, out + r, os);
}

// NW * NX <= 4 keeps the block sums, accumulators and activation vectors in AVX2's 16 registers.
template <Elem E>
void DotRowsE(const uint8_t* w, size_t rb, int64_t rows, int nw, const float* const* x, int nx,
              size_t K, float* out, size_t os) {
  switch (nx) {
    case 1:
      return DotRowsT<E, 1>(w, rb, rows, nw, x, K, out, os);
    case 2:
      return DotRowsT<E, 2>(w, rb, rows, std::min(nw, 2), x, K, out, os);
    case 3:
      return DotRowsT<E, 3>(w, rb, rows, 1, x, K, out, os);
    default:
      return DotRowsT<E, 4>(w, rb, rows, 1, x, K, out, os);
  }
}

void PackedDotRows(const uint8_t* w, Elem e, size_t row_bytes, int64_t rows, int nw,
                   const float* const* x, int nx, size_t K, float* out, size_t os) {
  if (e == Elem::Q4_0) return DotRowsE<Elem::Q4_0>(w, row_bytes, rows, nw, x, nx, K, out, os);
  return DotRowsE<Elem::Q8_0>(w, row_bytes, rows, nw, x, nx, K, out, os);
}

template <Elem E>
void DequantizeT(const uint8_t* w, size_t row_bytes, int64_t nb, int64_t K, float* out,
                 int64_t ldo) {
  const DF df;
  const size_t L = hn::Lanes(df);
  const VF table = Q4Table(df);
  const int64_t full = K / kB, rem = K % kB;
  for (int64_t r = 0; r < nb; ++r) {
    const uint8_t* blk = w + static_cast<size_t>(r) * row_bytes;
    float* o = out + r * ldo;
    for (int64_t b = 0; b < full; ++b, blk += BlockBytes<E>(), o += kB) {
      const VF dv = ScaleVec(df, blk);
      if constexpr (E == Elem::Q8_0) {
        for (size_t u = 0; u < kB / L; ++u)
          hn::StoreU(hn::Mul(Q8Codes(df, blk, u), dv), df, o + u * L);
      } else {
        for (size_t u = 0; u < 16 / L; ++u) {
          VF lo, hi;
          Q4Codes(df, blk, u, table, lo, hi);
          hn::StoreU(hn::Mul(lo, dv), df, o + u * L);
          hn::StoreU(hn::Mul(hi, dv), df, o + 16 + u * L);
        }
      }
    }
    if (rem > 0) {
      const float d = block_scale(blk);
      for (int64_t i = 0; i < rem; ++i)
        o[i] = static_cast<float>(E == Elem::Q8_0 ? q8_0_code(blk, i) : q4_0_code(blk, i)) * d;
    }
  }
}

void PackedDequantizeRows(const uint8_t* w, Elem e, size_t row_bytes, int64_t nb, int64_t K,
                          float* out, int64_t ldo) {
  if (e == Elem::Q4_0) return DequantizeT<Elem::Q4_0>(w, row_bytes, nb, K, out, ldo);
  return DequantizeT<Elem::Q8_0>(w, row_bytes, nb, K, out, ldo);
}

}  // namespace archscope::cpu::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace archscope::cpu {

HWY_EXPORT(PackedDotRows);
HWY_EXPORT(PackedDequantizeRows);

void packed_dot_rows(const uint8_t* w, Elem w_elem, size_t row_bytes, int64_t rows, int nw,
                     const float* const* x, int nx, size_t K, float* out, size_t out_stride) {
  HWY_DYNAMIC_DISPATCH(PackedDotRows)(w, w_elem, row_bytes, rows, nw, x, nx, K, out, out_stride);
}

void packed_dequantize_rows(const uint8_t* w, Elem w_elem, size_t row_bytes, int64_t nb, int64_t K,
                            float* out, int64_t ldo) {
  HWY_DYNAMIC_DISPATCH(PackedDequantizeRows)(w, w_elem, row_bytes, nb, K, out, ldo);
}

}  // namespace archscope::cpu
#endif
