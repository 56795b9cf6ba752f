#include "quant/pack.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "common/error.hpp"
#include "quant/minifloat.hpp"
#include "quant/packed_layout.hpp"

namespace archscope::quant {

namespace {

uint16_t f16_bits(float x) {
  const _Float16 h = static_cast<_Float16>(x);  // IEEE RNE, as round_to_f16
  uint16_t b;
  std::memcpy(&b, &h, sizeof b);
  return b;
}

float f16_value(uint16_t b) {
  _Float16 h;
  std::memcpy(&h, &b, sizeof h);
  return static_cast<float>(h);
}

float absmax(const float* x, int64_t n) {
  float m = 0.0f;
  for (int64_t i = 0; i < n; ++i) m = std::max(m, std::fabs(x[i]));
  return m;
}

// Each packer quantizes the n <= B real elements of one block exactly as formats.cpp does; the
// padding past n holds the code the block's parameters give a weight of 0.

void pack_q8_0(const float* x, int64_t n, BlockQ8_0& b) {
  const float d = absmax(x, n) / 127.0f;
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  b.d = f16_bits(d);
  for (int64_t i = 0; i < 32; ++i)
    b.qs[i] = i < n ? static_cast<int8_t>(std::clamp(std::roundf(x[i] * id), -127.0f, 127.0f)) : 0;
}

void pack_q4_0(const float* x, int64_t n, BlockQ4_0& b) {
  float amax = 0.0f, mx = 0.0f;
  for (int64_t i = 0; i < n; ++i)
    if (std::fabs(x[i]) > amax) amax = std::fabs(x[i]), mx = x[i];
  const float d = mx / -8.0f;
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  b.d = f16_bits(d);
  uint8_t q[32];
  for (int64_t i = 0; i < 32; ++i) {
    const float v = i < n ? x[i] : 0.0f;
    q[i] = static_cast<uint8_t>(std::min(15, static_cast<int>(static_cast<int8_t>(v * id + 8.5f))));
  }
  for (int i = 0; i < 16; ++i) b.qs[i] = static_cast<uint8_t>(q[i] | (q[i + 16] << 4));
}

void pack_int4_g128(const float* x, int64_t n, BlockInt4G128& b, const std::string& what) {
  float lo = x[0], hi = x[0];
  for (int64_t i = 1; i < n; ++i) lo = std::min(lo, x[i]), hi = std::max(hi, x[i]);
  const float s = round_to_f16(std::max(hi - lo, 1e-5f) / 15.0f);
  if (!std::isfinite(s))
    throw Error(ErrorKind::Validation, what, "int4-g128 group range overflows the fp16 scale");
  const float z = std::clamp(std::nearbyint(-lo / s), 0.0f, 15.0f);
  b.s = f16_bits(s);
  b.z = static_cast<uint8_t>(z);
  b.pad = 0;
  uint8_t q[128];
  for (int64_t i = 0; i < 128; ++i) {
    const float v = i < n ? x[i] : 0.0f;
    q[i] = static_cast<uint8_t>(std::clamp(std::nearbyint(v / s) + z, 0.0f, 15.0f));
  }
  for (int i = 0; i < 64; ++i) b.qs[i] = static_cast<uint8_t>(q[i] | (q[i + 64] << 4));
}

int nf4_code(float v) {  // formats.cpp's nearest code: a tie goes to the lower code
  int best = 0;
  for (int c = 1; c < 16; ++c)
    if (v > 0.5f * (kNf4Codes[c - 1] + kNf4Codes[c])) best = c;
  return best;
}

void pack_nf4(const float* x, int64_t n, BlockNf4& b) {
  const float a = absmax(x, n);
  b.absmax = a;
  uint8_t q[64];
  for (int64_t i = 0; i < 64; ++i) q[i] = static_cast<uint8_t>(a == 0.0f || i >= n ? 7 : nf4_code(x[i] / a));
  for (int i = 0; i < 32; ++i) b.qs[i] = static_cast<uint8_t>(q[i] | (q[i + 32] << 4));
}

void pack_mxfp4(const float* x, int64_t n, BlockMxfp4& b, const std::string& what) {
  const float a = absmax(x, n);
  int e = 0;
  if (a != 0.0f) std::frexp(a, &e);
  const int scale_exp = a == 0.0f ? 0 : (e - 1) - 2;  // formats.cpp: X = 2^(floor(log2 a) - 2)
  if (scale_exp < -127)
    throw Error(ErrorKind::Validation, what, "mxfp4 block scale 2^" + std::to_string(scale_exp) +
                                                 " is below E8M0's 2^-127");
  b.e8m0 = static_cast<uint8_t>(scale_exp + 127);
  const float X = std::ldexp(1.0f, scale_exp);
  std::memset(b.qs, 0, sizeof b.qs);
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t c = a == 0.0f ? 0 : e2m1_encode(x[i] / X);
    b.qs[i / 2] = static_cast<uint8_t>(b.qs[i / 2] | (c << (4 * (i % 2))));
  }
}

template <class Block, class Pack>
void pack_blocks(const float* w, int64_t N, int64_t K, int64_t B, uint8_t* out, Pack&& pack) {
  const int64_t per_row = (K + B - 1) / B;
  for (int64_t r = 0; r < N; ++r)
    for (int64_t j = 0; j < per_row; ++j) {
      Block blk;
      pack(w + r * K + j * B, std::min(B, K - j * B), blk);
      std::memcpy(out + static_cast<size_t>(r * per_row + j) * sizeof(Block), &blk, sizeof(Block));
    }
}

template <class Block, class Value>
void unpack_blocks(const uint8_t* p, int64_t N, int64_t K, int64_t B, float* y, Value&& value) {
  const int64_t per_row = (K + B - 1) / B;
  for (int64_t r = 0; r < N; ++r)
    for (int64_t k = 0; k < K; ++k) {
      Block blk;
      std::memcpy(&blk, p + static_cast<size_t>(r * per_row + k / B) * sizeof(Block), sizeof(Block));
      y[r * K + k] = value(blk, k % B);
    }
}

}  // namespace

bool has_packed_blocks(Format f) {
  return f == Format::Q8_0 || f == Format::Q4_0 || f == Format::Int4G128 || f == Format::Nf4 ||
         f == Format::Mxfp4;
}

int64_t packed_block_elems(Format f) {
  switch (f) {
    case Format::Q8_0: return kQ8_0Block;
    case Format::Q4_0: return kQ4_0Block;
    case Format::Int4G128: return kInt4G128Block;
    case Format::Nf4: return kNf4Block;
    case Format::Mxfp4: return kMxfp4Block;
    default: break;
  }
  throw Error(ErrorKind::Unsupported, to_string(f), "no packed block layout");
}

size_t packed_block_bytes(Format f) {
  switch (f) {
    case Format::Q8_0: return sizeof(BlockQ8_0);
    case Format::Q4_0: return sizeof(BlockQ4_0);
    case Format::Int4G128: return sizeof(BlockInt4G128);
    case Format::Nf4: return sizeof(BlockNf4);
    case Format::Mxfp4: return sizeof(BlockMxfp4);
    default: break;
  }
  throw Error(ErrorKind::Unsupported, to_string(f), "no packed block layout");
}

size_t packed_row_bytes(Format f, int64_t K) {
  return quant::packed_row_bytes(K, packed_block_elems(f), packed_block_bytes(f));
}

size_t packed_bytes(Format f, int64_t N, int64_t K) {
  return static_cast<size_t>(N) * packed_row_bytes(f, K);
}

void pack_rows(Format f, std::span<const float> w, int64_t N, int64_t K, std::span<uint8_t> out,
               const std::string& what) {
  if (N < 0 || K < 0 || static_cast<int64_t>(w.size()) != N * K || out.size() != packed_bytes(f, N, K))
    throw Error(ErrorKind::Validation, what,
                "packing " + std::to_string(w.size()) + " weights as [" + std::to_string(N) + ", " +
                    std::to_string(K) + "] " + to_string(f) + " into " + std::to_string(out.size()) + " bytes");
  for (size_t i = 0; i < w.size(); ++i)
    if (!std::isfinite(w[i]))
      throw Error(ErrorKind::Validation, what,
                  "weight " + std::to_string(i) + " is not finite; " + to_string(f) + " cannot hold it");
  const int64_t B = packed_block_elems(f);
  uint8_t* o = out.data();
  switch (f) {
    case Format::Q8_0:
      return pack_blocks<BlockQ8_0>(w.data(), N, K, B, o, pack_q8_0);
    case Format::Q4_0:
      return pack_blocks<BlockQ4_0>(w.data(), N, K, B, o, pack_q4_0);
    case Format::Int4G128:
      return pack_blocks<BlockInt4G128>(w.data(), N, K, B, o, [&](const float* x, int64_t n, BlockInt4G128& b) {
        pack_int4_g128(x, n, b, what);
      });
    case Format::Nf4:
      return pack_blocks<BlockNf4>(w.data(), N, K, B, o, pack_nf4);
    case Format::Mxfp4:
      return pack_blocks<BlockMxfp4>(w.data(), N, K, B, o, [&](const float* x, int64_t n, BlockMxfp4& b) {
        pack_mxfp4(x, n, b, what);
      });
    default: break;
  }
}

void unpack_rows(Format f, std::span<const uint8_t> packed, int64_t N, int64_t K, std::span<float> out) {
  if (N < 0 || K < 0 || static_cast<int64_t>(out.size()) != N * K || packed.size() != packed_bytes(f, N, K))
    throw Error(ErrorKind::Validation, to_string(f),
                "unpacking " + std::to_string(packed.size()) + " bytes as [" + std::to_string(N) + ", " +
                    std::to_string(K) + "]");
  const int64_t B = packed_block_elems(f);
  const uint8_t* p = packed.data();
  float* y = out.data();
  switch (f) {
    case Format::Q8_0:
      return unpack_blocks<BlockQ8_0>(p, N, K, B, y, [](const BlockQ8_0& b, int64_t i) {
        return static_cast<float>(b.qs[i]) * f16_value(b.d);
      });
    case Format::Q4_0:
      return unpack_blocks<BlockQ4_0>(p, N, K, B, y, [](const BlockQ4_0& b, int64_t i) {
        const int q = i < 16 ? (b.qs[i] & 15) : (b.qs[i - 16] >> 4);
        return static_cast<float>(q - 8) * f16_value(b.d);
      });
    case Format::Int4G128:
      return unpack_blocks<BlockInt4G128>(p, N, K, B, y, [](const BlockInt4G128& b, int64_t i) {
        const int q = i < 64 ? (b.qs[i] & 15) : (b.qs[i - 64] >> 4);
        return (static_cast<float>(q) - static_cast<float>(b.z)) * f16_value(b.s);
      });
    case Format::Nf4:
      return unpack_blocks<BlockNf4>(p, N, K, B, y, [](const BlockNf4& b, int64_t i) {
        const int q = i < 32 ? (b.qs[i] & 15) : (b.qs[i - 32] >> 4);
        return kNf4Codes[q] * b.absmax;
      });
    case Format::Mxfp4:
      return unpack_blocks<BlockMxfp4>(p, N, K, B, y, [](const BlockMxfp4& b, int64_t i) {
        const uint8_t c = static_cast<uint8_t>((b.qs[i / 2] >> (4 * (i % 2))) & 15);
        return e2m1_decode(c) * std::ldexp(1.0f, static_cast<int>(b.e8m0) - 127);
      });
    default: break;
  }
  throw Error(ErrorKind::Unsupported, to_string(f), "no packed block layout");
}

}  // namespace archscope::quant
