// Per-format decode of packed weight blocks in registers, for the packed GEMVs (packed_gemv.cu
// stages the rows in shared memory, packed_gemv_direct.cu loads them straight into registers).
// A block of kB weights is split over kLanes lanes, kEl weights each; a lane's 4 value bytes are
// the word at byte q_off(sub) of the block, and `values` turns them into kEl fp32 values
// *before* the block scale (q, q - 8, q - z, the NF4 code, 2 * e2m1, e4m3), so the GEMV sums
// value * x over the lane's weights and multiplies the sum by `scale(head)` once; the head is
// the block's first kHead bytes (its inline scale fields; -1: the block128 scale array).
// The lane's columns inside the block are kRuns runs of kEl / kRuns consecutive columns starting
// at run_start(sub, r) (the nibble formats keep element i and i + kB/2 in one byte).
// The channel formats have no inline scale: their "block" is 128 columns of the row (the scale
// block of fp8-e4m3-block128), and the per-row scale multiplies the row's sum at the end.
//
// Integer -> fp32 without the quarter-rate I2F: the byte b placed under the exponent of 2^23
// (bits 0x4B0000bb) is the float 2^23 + b exactly, so one byte permute and one subtraction give
// b - c exactly for any integer offset c (q8_0: the int8 is offset by 128 with an xor).
#pragma once

#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <cstdint>

#include "cuda/quant/packed_gemv.hpp"

namespace archscope::cuda::packed {

// 4 bytes at any byte offset of a word array in shared memory (little-endian); reads the word
// after, so the staged copy carries 16 bytes of slack.
__device__ __forceinline__ uint32_t ld_u32(const uint32_t* s, uint32_t byte) {
  const uint32_t w = byte >> 2, sh = (byte & 3u) * 8u;
  return __funnelshift_r(s[w], s[w + 1], sh);
}

// 2^23 + byte e of w, minus `offset` (2^23 + c): exactly byte - c.
template <int E>
__device__ __forceinline__ float byte_minus(uint32_t w, float offset) {
  return __uint_as_float(__byte_perm(w, 0x4B000000u, 0x7650u + E)) - offset;
}

__device__ __forceinline__ float f16_bits(uint32_t w) {
  return __half2float(__ushort_as_half(static_cast<unsigned short>(w & 0xffffu)));
}

struct RowCtx {
  int64_t n;  // weight row
  int64_t j;  // block index in the row
  const float* scales;
  int64_t scale_cols;    // fp8-e4m3-block128: ceil(K / 128)
  const float* nf4_lut;  // shared-memory copy of the NF4 codes
};

template <PackedFormat F>
struct Fmt;

template <>
struct Fmt<PackedFormat::Q8_0> {
  static constexpr int kB = 32, kBytes = 34, kLanes = 8, kEl = 4, kRuns = 1;
  static constexpr bool kRowScale = false;
  static constexpr int kHead = 2;
  __device__ static int run_start(int sub, int) { return 4 * sub; }
  __device__ static constexpr int q_off(int sub) { return 2 + 4 * sub; }
  __device__ static void values(uint32_t q, uint32_t, const float*, float (&v)[kEl]) {
    q ^= 0x80808080u;
    const float off = 8388736.0f;  // 2^23 + 128
    v[0] = byte_minus<0>(q, off), v[1] = byte_minus<1>(q, off), v[2] = byte_minus<2>(q, off),
    v[3] = byte_minus<3>(q, off);
  }
  __device__ static float scale(uint32_t head) { return f16_bits(head); }
};

template <>
struct Fmt<PackedFormat::Q4_0> {
  static constexpr int kB = 32, kBytes = 18, kLanes = 4, kEl = 8, kRuns = 2;
  static constexpr bool kRowScale = false;
  static constexpr int kHead = 2;
  __device__ static int run_start(int sub, int r) { return 4 * sub + 16 * r; }
  __device__ static constexpr int q_off(int sub) { return 2 + 4 * sub; }
  __device__ static void values(uint32_t q, uint32_t, const float*, float (&v)[kEl]) {
    const uint32_t lo = q & 0x0F0F0F0Fu, hi = (q >> 4) & 0x0F0F0F0Fu;
    const float off = 8388616.0f;  // 2^23 + 8
    v[0] = byte_minus<0>(lo, off), v[1] = byte_minus<1>(lo, off), v[2] = byte_minus<2>(lo, off),
    v[3] = byte_minus<3>(lo, off);
    v[4] = byte_minus<0>(hi, off), v[5] = byte_minus<1>(hi, off), v[6] = byte_minus<2>(hi, off),
    v[7] = byte_minus<3>(hi, off);
  }
  __device__ static float scale(uint32_t head) { return f16_bits(head); }
};

template <>
struct Fmt<PackedFormat::Int4G128> {
  static constexpr int kB = 128, kBytes = 68, kLanes = 16, kEl = 8, kRuns = 2;
  static constexpr bool kRowScale = false;
  static constexpr int kHead = 4;  // fp16 s, uint8 z, pad
  __device__ static int run_start(int sub, int r) { return 4 * sub + 64 * r; }
  __device__ static constexpr int q_off(int sub) { return 4 + 4 * sub; }
  __device__ static void values(uint32_t q, uint32_t head, const float*, float (&v)[kEl]) {
    const uint32_t lo = q & 0x0F0F0F0Fu, hi = (q >> 4) & 0x0F0F0F0Fu;
    const float off = 8388608.0f + static_cast<float>((head >> 16) & 0xffu);
    v[0] = byte_minus<0>(lo, off), v[1] = byte_minus<1>(lo, off), v[2] = byte_minus<2>(lo, off),
    v[3] = byte_minus<3>(lo, off);
    v[4] = byte_minus<0>(hi, off), v[5] = byte_minus<1>(hi, off), v[6] = byte_minus<2>(hi, off),
    v[7] = byte_minus<3>(hi, off);
  }
  __device__ static float scale(uint32_t head) { return f16_bits(head); }
};

template <>
struct Fmt<PackedFormat::Nf4> {
  static constexpr int kB = 64, kBytes = 36, kLanes = 8, kEl = 8, kRuns = 2;
  static constexpr bool kRowScale = false;
  static constexpr int kHead = 4;  // fp32 absmax
  __device__ static int run_start(int sub, int r) { return 4 * sub + 32 * r; }
  __device__ static constexpr int q_off(int sub) { return 4 + 4 * sub; }
  __device__ static void values(uint32_t q, uint32_t, const float* lut, float (&v)[kEl]) {
#pragma unroll
    for (int e = 0; e < 4; ++e) {
      v[e] = lut[(q >> (8 * e)) & 15u];
      v[4 + e] = lut[(q >> (8 * e + 4)) & 15u];
    }
  }
  __device__ static float scale(uint32_t head) {
    return __uint_as_float(head);
  }
};

template <>
struct Fmt<PackedFormat::Mxfp4> {
  static constexpr int kB = 32, kBytes = 17, kLanes = 4, kEl = 8, kRuns = 1;
  static constexpr bool kRowScale = false;
  static constexpr int kHead = 1;  // e8m0
  __device__ static int run_start(int sub, int) { return 8 * sub; }
  __device__ static constexpr int q_off(int sub) { return 1 + 4 * sub; }
  // Values 2 * e2m1 (0, 1, 2, 3, 4, 6, 8, 12 and negatives); the scale carries the 1/2:
  // 2^(e - 127) / 2 = 2^(e - 128), a normal float for e >= 2, subnormal for e = 0, 1.
  __device__ static void values(uint32_t q, uint32_t, const float*, float (&v)[kEl]) {
    const uint32_t mag = q & 0x77777777u;  // nibble e = |code| of element e (no sign bit)
    const uint32_t lut0 = 0x03020100u, lut1 = 0x0C080604u;
    const uint32_t m0 = __byte_perm(lut0, lut1, mag), m1 = __byte_perm(lut0, lut1, mag >> 16);
    const float off = 8388608.0f;
#define ARCHSCOPE_MX(E, M, B)                                     \
  v[E] = __uint_as_float(__float_as_uint(byte_minus<B>(M, off)) | \
                         ((q << (28 - 4 * E)) & 0x80000000u));
    ARCHSCOPE_MX(0, m0, 0)
    ARCHSCOPE_MX(1, m0, 1)
    ARCHSCOPE_MX(2, m0, 2)
    ARCHSCOPE_MX(3, m0, 3)
    ARCHSCOPE_MX(4, m1, 0)
    ARCHSCOPE_MX(5, m1, 1)
    ARCHSCOPE_MX(6, m1, 2)
    ARCHSCOPE_MX(7, m1, 3)
#undef ARCHSCOPE_MX
  }
  __device__ static float scale(uint32_t head) {
    const uint32_t e = head & 0xffu;
    return __uint_as_float(e == 255u ? 0x7fc00000u : e >= 2u ? (e - 1u) << 23 : 0x00200000u << e);
  }
};

// The per-row formats: 128-column "blocks" of the row's bytes, no inline scale.
template <>
struct Fmt<PackedFormat::Int8Channel> {
  static constexpr int kB = 128, kBytes = 128, kLanes = 32, kEl = 4, kRuns = 1;
  static constexpr bool kRowScale = true;
  static constexpr int kHead = 0;
  __device__ static int run_start(int sub, int) { return 4 * sub; }
  __device__ static constexpr int q_off(int sub) { return 4 * sub; }
  __device__ static void values(uint32_t q, uint32_t, const float*, float (&v)[kEl]) {
    q ^= 0x80808080u;
    const float off = 8388736.0f;
    v[0] = byte_minus<0>(q, off), v[1] = byte_minus<1>(q, off), v[2] = byte_minus<2>(q, off),
    v[3] = byte_minus<3>(q, off);
  }
  __device__ static float scale(uint32_t) { return 1.0f; }
};

// e4m3 pairs through the sm_89+ conversion to f16x2 (exact: every e4m3 value is an fp16 value).
__device__ __forceinline__ void e4m3x4(uint32_t q, float (&v)[4]) {
  const __half2 a = __half2(__nv_cvt_fp8x2_to_halfraw2(
                    static_cast<__nv_fp8x2_storage_t>(q & 0xffffu), __NV_E4M3)),
                b = __half2(__nv_cvt_fp8x2_to_halfraw2(static_cast<__nv_fp8x2_storage_t>(q >> 16),
                                                       __NV_E4M3));
  const float2 fa = __half22float2(a), fb = __half22float2(b);
  v[0] = fa.x, v[1] = fa.y, v[2] = fb.x, v[3] = fb.y;
}

template <>
struct Fmt<PackedFormat::Fp8E4M3Channel> {
  static constexpr int kB = 128, kBytes = 128, kLanes = 32, kEl = 4, kRuns = 1;
  static constexpr bool kRowScale = true;
  static constexpr int kHead = 0;
  __device__ static int run_start(int sub, int) { return 4 * sub; }
  __device__ static constexpr int q_off(int sub) { return 4 * sub; }
  __device__ static void values(uint32_t q, uint32_t, const float*, float (&v)[kEl]) {
    e4m3x4(q, v);
  }
  __device__ static float scale(uint32_t) { return 1.0f; }
};

template <>
struct Fmt<PackedFormat::Fp8E4M3Block128> {
  static constexpr int kB = 128, kBytes = 128, kLanes = 32, kEl = 4, kRuns = 1;
  static constexpr bool kRowScale = false;
  static constexpr int kHead = -1;  // the fp32 scale of the 128 x 128 block, from the array
  __device__ static int run_start(int sub, int) { return 4 * sub; }
  __device__ static constexpr int q_off(int sub) { return 4 * sub; }
  __device__ static void values(uint32_t q, uint32_t, const float*, float (&v)[kEl]) {
    e4m3x4(q, v);
  }
  __device__ static float scale(uint32_t head) { return __uint_as_float(head); }
};

// The staged GEMV's decode of one lane's share of a block from the shared-memory copy: the
// value word, the head (the block's inline scale fields, or the block128 scale) and the values.
template <PackedFormat PF>
__device__ __forceinline__ float decode(const uint32_t* s, uint32_t blk, int sub, const RowCtx& c,
                                        float (&v)[Fmt<PF>::kEl]) {
  using F = Fmt<PF>;
  const uint32_t q = ld_u32(s, blk + F::q_off(sub));
  uint32_t head = 0;
  if constexpr (F::kHead > 0) head = ld_u32(s, blk);
  if constexpr (F::kHead < 0)
    head = __float_as_uint(__ldg(c.scales + (c.n / 128) * c.scale_cols + c.j));
  F::values(q, head, c.nf4_lut, v);
  return F::scale(head);
}

}  // namespace archscope::cuda::packed
