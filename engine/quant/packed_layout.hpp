// Byte layouts of packed quantized weights (issue 12 §2), shared by the CPU and CUDA kernels and
// the host-side packer (quant/pack.hpp); the contract is /work/notes/packed_layouts.md. A packed
// matrix w[N, K] (N output rows, K = the input dimension as the layer applies it) is stored row by
// row, each row ceil(K / B) blocks; a partial last block is zero-padded in its values (its scale
// comes from the real elements only). Blocks are byte-packed, little-endian, rows contiguous: the
// byte offset of block j of row n is (n * ceil(K / B) + j) * sizeof(block). Element i of a block
// dequantizes as the comment of each struct says, equal bit for bit to quant::fake_quantize.
//
// Header only (no library): the backend's tensor sizes and both backends' kernels include it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace archscope::quant {

// llama.cpp block_q8_0 (ggml-common.h): element i = qs[i] * fp16(d).
struct BlockQ8_0 {
  uint16_t d;  // IEEE binary16 bits
  int8_t qs[32];
} __attribute__((packed));

// llama.cpp block_q4_0: element i < 16 = ((qs[i] & 15) - 8) * d, i >= 16 = ((qs[i-16] >> 4) - 8) * d.
struct BlockQ4_0 {
  uint16_t d;  // IEEE binary16 bits
  uint8_t qs[16];
} __attribute__((packed));

// int4-g128: element i < 64 = ((qs[i] & 15) - z) * s, i >= 64 = ((qs[i-64] >> 4) - z) * s.
struct BlockInt4G128 {
  uint16_t s;  // IEEE binary16 bits
  uint8_t z;
  uint8_t pad;  // 0
  uint8_t qs[64];
} __attribute__((packed));

// nf4: element i = kNf4Codes[i < 32 ? qs[i] & 15 : qs[i-32] >> 4] * absmax.
struct BlockNf4 {
  float absmax;
  uint8_t qs[32];
} __attribute__((packed));

// mxfp4 (gpt-oss nibble order): element i = e2m1((qs[i/2] >> (4*(i%2))) & 15) * 2^(e8m0 - 127).
struct BlockMxfp4 {
  uint8_t e8m0;
  uint8_t qs[16];
} __attribute__((packed));

inline constexpr int64_t kQ8_0Block = 32;
inline constexpr int64_t kQ4_0Block = 32;
inline constexpr int64_t kInt4G128Block = 128;
inline constexpr int64_t kNf4Block = 64;
inline constexpr int64_t kMxfp4Block = 32;

static_assert(sizeof(BlockQ8_0) == 34, "q8_0 block: fp16 d + 32 int8");
static_assert(sizeof(BlockQ4_0) == 18, "q4_0 block: fp16 d + 16 bytes of nibbles");
static_assert(sizeof(BlockInt4G128) == 68, "int4-g128 block: fp16 s, u8 z, pad, 64 bytes");
static_assert(sizeof(BlockNf4) == 36, "nf4 block: fp32 absmax + 32 bytes of nibbles");
static_assert(sizeof(BlockMxfp4) == 17, "mxfp4 block: e8m0 + 16 bytes of nibbles");
static_assert(alignof(BlockQ8_0) == 1 && alignof(BlockQ4_0) == 1, "blocks are byte-packed");

// Bytes of one packed row of K elements in blocks of `block` elements of `block_bytes` bytes.
constexpr size_t packed_row_bytes(int64_t K, int64_t block, size_t block_bytes) {
  return static_cast<size_t>((K + block - 1) / block) * block_bytes;
}

}  // namespace archscope::quant
