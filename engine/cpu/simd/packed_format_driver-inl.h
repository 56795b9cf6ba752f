// The decode GEMV and the dequantizing loop shared by the packed-format kernel files
// (packed_int4_kernels.cpp, packed_nf4_kernels.cpp, packed_mxfp4_kernels.cpp,
// packed_channel_kernels.cpp), instantiated per Highway target in each of them (the usual
// Highway "-inl.h" pattern: the include guard toggles with HWY_TARGET_TOGGLE).
//
// A format is a struct Fmt with
//   static constexpr int64_t kB;      elements per block along K (a multiple of 16)
//   static constexpr size_t kBytes;   bytes per block (for the channel formats: kB, one per code)
//   static void Decode(const uint8_t* blk, int64_t n, float* v);  the n <= kB leading elements'
//       code values (the value before the scale: q - z, an NF4 / E2M1 / E4M3 code value, ...),
//       exact in fp32; reads no byte past the block (past n codes for the channel formats)
//   static float Scale(const uint8_t* blk);  the block's scale (1 for the channel formats)
// Element i of a row is then Decode(...)[i % kB] * (Scale(block) * row_scale): the product of
// the two scales is exact (one of them is 1), so a dequantized weight is one fp32 rounding of
// code * scale, as quant::fake_quantize computes it. A format that declares
//   static constexpr bool kScalePerBlock = true;
// (fp8-e4m3-block128) has one row scale per block instead: row r's scales start at
// row_scales + r * ceil(K / kB), block b's is the b-th of them.
#if defined(ARCHSCOPE_PACKED_FORMAT_DRIVER_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ARCHSCOPE_PACKED_FORMAT_DRIVER_INL_H_
#undef ARCHSCOPE_PACKED_FORMAT_DRIVER_INL_H_
#else
#define ARCHSCOPE_PACKED_FORMAT_DRIVER_INL_H_
#endif

#include <cstddef>
#include <cstdint>

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace archscope::cpu::HWY_NAMESPACE {
namespace packed_format_driver {
namespace hn = hwy::HWY_NAMESPACE;

// At most 16 lanes: every kB (16, 32, 64, 128) is a whole number of vectors on every target.
using DF = hn::CappedTag<float, 16>;
using VF = hn::Vec<DF>;

template <class Fmt>
constexpr bool kPerBlockRowScales = requires {
  requires Fmt::kScalePerBlock;
};

// Row r's first scale (null for the block formats) and the scale of its block b.
template <class Fmt>
HWY_INLINE const float* RowScales(const float* row_scales, int64_t r, size_t K) {
  if (!row_scales) return nullptr;
  if constexpr (kPerBlockRowScales<Fmt>)
    return row_scales + r * ((static_cast<int64_t>(K) + Fmt::kB - 1) / Fmt::kB);
  return row_scales + r;
}
template <class Fmt>
HWY_INLINE float BlockScale(const uint8_t* blk, const float* rs, int64_t b) {
  if constexpr (kPerBlockRowScales<Fmt>) return rs[b];
  return rs ? Fmt::Scale(blk) * rs[0] : Fmt::Scale(blk);
}

// out[j * os + r] = sum_k ŵ_r[k] x[j][k] for `rows` rows (row_bytes apart) and NX activation
// rows. Per block: the code values times the activations summed in vector lanes, then scaled by
// the block's scale once and added to the row sum; the partial last block is summed in scalar
// (never reads x past K). Every term passes through at most K + 2 roundings.
template <class Fmt, int NX>
void DotRowsT(const uint8_t* HWY_RESTRICT w, size_t row_bytes, const float* row_scales,
              int64_t rows, const float* const* x, size_t K, float* out, size_t os) {
  const DF df;
  const size_t L = hn::Lanes(df);
  const int64_t full = static_cast<int64_t>(K) / Fmt::kB, rem = static_cast<int64_t>(K) % Fmt::kB;
  HWY_ALIGN float v[Fmt::kB];
  for (int64_t r = 0; r < rows; ++r) {
    const uint8_t* row = w + static_cast<size_t>(r) * row_bytes;
    const float* rs = RowScales<Fmt>(row_scales, r, K);
    VF acc[NX];
    for (int j = 0; j < NX; ++j) acc[j] = hn::Zero(df);
    for (int64_t b = 0; b < full; ++b) {
      const uint8_t* blk = row + static_cast<size_t>(b) * Fmt::kBytes;
      const size_t k0 = static_cast<size_t>(b * Fmt::kB);
      Fmt::Decode(blk, Fmt::kB, v);
      VF sum[NX];
      for (int j = 0; j < NX; ++j) sum[j] = hn::Zero(df);
      for (size_t u = 0; u < static_cast<size_t>(Fmt::kB); u += L) {
        const VF q = hn::Load(df, v + u);
        for (int j = 0; j < NX; ++j) sum[j] = hn::MulAdd(q, hn::LoadU(df, x[j] + k0 + u), sum[j]);
      }
      const VF s = hn::Set(df, BlockScale<Fmt>(blk, rs, b));
      for (int j = 0; j < NX; ++j) acc[j] = hn::MulAdd(sum[j], s, acc[j]);
    }
    float tail[NX] = {};
    if (rem > 0) {
      const uint8_t* blk = row + static_cast<size_t>(full) * Fmt::kBytes;
      Fmt::Decode(blk, rem, v);
      const float s = BlockScale<Fmt>(blk, rs, full);
      for (int j = 0; j < NX; ++j) {
        const float* xr = x[j] + full * Fmt::kB;
        float t = 0.0f;
        for (int64_t i = 0; i < rem; ++i) t += v[i] * xr[i];
        tail[j] = t * s;
      }
    }
    for (int j = 0; j < NX; ++j)
      out[static_cast<size_t>(j) * os + static_cast<size_t>(r)] =
          hn::GetLane(hn::SumOfLanes(df, acc[j])) + tail[j];
  }
}

template <class Fmt>
void DotRows(const uint8_t* w, size_t row_bytes, const float* row_scales, int64_t rows,
             const float* const* x, int nx, size_t K, float* out, size_t os) {
  switch (nx) {
    case 1:
      return DotRowsT<Fmt, 1>(w, row_bytes, row_scales, rows, x, K, out, os);
    case 2:
      return DotRowsT<Fmt, 2>(w, row_bytes, row_scales, rows, x, K, out, os);
    case 3:
      return DotRowsT<Fmt, 3>(w, row_bytes, row_scales, rows, x, K, out, os);
    default:
      return DotRowsT<Fmt, 4>(w, row_bytes, row_scales, rows, x, K, out, os);
  }
}

// Rows [0, nb) dequantized into out [nb][K] (row stride ldo): code value * scale, one rounding.
template <class Fmt>
void DequantizeRows(const uint8_t* w, size_t row_bytes, const float* row_scales, int64_t nb,
                    int64_t K, float* out, int64_t ldo) {
  const DF df;
  const size_t L = hn::Lanes(df);
  HWY_ALIGN float v[Fmt::kB];
  for (int64_t r = 0; r < nb; ++r) {
    const uint8_t* row = w + static_cast<size_t>(r) * row_bytes;
    const float* rs = RowScales<Fmt>(row_scales, r, static_cast<size_t>(K));
    float* o = out + r * ldo;
    for (int64_t k0 = 0; k0 < K; k0 += Fmt::kB) {
      const uint8_t* blk = row + static_cast<size_t>(k0 / Fmt::kB) * Fmt::kBytes;
      const int64_t n = K - k0 < Fmt::kB ? K - k0 : Fmt::kB;
      Fmt::Decode(blk, n, v);
      const float s = BlockScale<Fmt>(blk, rs, k0 / Fmt::kB);
      if (n == Fmt::kB) {
        const VF sv = hn::Set(df, s);
        for (size_t u = 0; u < static_cast<size_t>(Fmt::kB); u += L)
          hn::StoreU(hn::Mul(hn::Load(df, v + u), sv), df, o + k0 + u);
      } else {
        for (int64_t i = 0; i < n; ++i) o[k0 + i] = v[i] * s;
      }
    }
  }
}

}  // namespace packed_format_driver
}  // namespace archscope::cpu::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // include guard
