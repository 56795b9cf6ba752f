#include "quant/held_bits.hpp"

#include "quant/pack_block128.hpp"
#include "quant/packed_layout.hpp"

namespace archscope::quant {

uint64_t held_bits(Format f, int64_t N, int64_t K) {
  if (N <= 0 || K <= 0) return 0;
  const auto n = static_cast<uint64_t>(N), k = static_cast<uint64_t>(K);
  const auto blocks = [&](int64_t B, size_t bytes) {
    return n * static_cast<uint64_t>((K + B - 1) / B) * static_cast<uint64_t>(bytes) * 8;
  };
  switch (f) {
    case Format::Q8_0:
      return blocks(kQ8_0Block, sizeof(BlockQ8_0));
    case Format::Q4_0:
      return blocks(kQ4_0Block, sizeof(BlockQ4_0));
    case Format::Int4G128:
      return blocks(kInt4G128Block, sizeof(BlockInt4G128));
    case Format::Nf4:
      return blocks(kNf4Block, sizeof(BlockNf4));
    case Format::Mxfp4:
      return blocks(kMxfp4Block, sizeof(BlockMxfp4));
    case Format::Int8Channel:
    case Format::Fp8E4M3Channel:
      return n * (k * 8 + 32);  // one-byte codes plus the row's fp32 scale
    case Format::Fp8E4M3Block128:
      return n * (k * 8 + static_cast<uint64_t>(block128_scales_per_row(K)) * 32);
  }
  return 0;
}

}  // namespace archscope::quant
