#include "quant/published.hpp"

#include <cmath>

#include "common/error.hpp"
#include "quant/minifloat.hpp"

namespace archscope::quant {

// transformers src/transformers/integrations/mxfp4.py, FP4_VALUES: the E2M1 values of MX v1.0
// table 5 (bias 1, one mantissa bit), the sign in bit 3.
const float kMxfp4Values[16] = {+0.0f, +0.5f, +1.0f, +1.5f, +2.0f, +3.0f, +4.0f, +6.0f,
                                -0.0f, -0.5f, -1.0f, -1.5f, -2.0f, -3.0f, -4.0f, -6.0f};

float e8m0_decode(uint8_t code) {
  if (code == 0xFF) return std::nanf("");
  return std::ldexp(1.0f, static_cast<int>(code) - 127);  // 2^-127 is an fp32 subnormal: exact
}

namespace {

[[noreturn]] void bad_sizes(const std::string& where, const char* what) {
  throw Error(ErrorKind::Internal, where, std::string("published-format decode: ") + what);
}

}  // namespace

void decode_mxfp4_rows(std::span<const uint8_t> blocks, std::span<const uint8_t> scales,
                       int64_t rows, int64_t k_blocks, std::span<float> out,
                       const std::string& where, int64_t first_row) {
  if (rows < 0 || k_blocks < 0) bad_sizes(where, "negative extent");
  const auto n_blocks = static_cast<uint64_t>(rows) * static_cast<uint64_t>(k_blocks);
  if (blocks.size() != n_blocks * 16 || scales.size() != n_blocks || out.size() != n_blocks * 32)
    bad_sizes(where, "MXFP4 blocks / scales / output sizes disagree");
  for (uint64_t b = 0; b < n_blocks; ++b) {
    const uint8_t s = scales[b];
    const auto row = first_row + static_cast<int64_t>(b / static_cast<uint64_t>(k_blocks));
    const auto col = static_cast<int64_t>(b % static_cast<uint64_t>(k_blocks)) * 32;
    if (s == 0xFF)
      throw Error(ErrorKind::Validation, where,
                  "scale 255 (E8M0 NaN, OCP MX v1.0) for the block of row " + std::to_string(row) +
                      ", columns " + std::to_string(col) + ".." + std::to_string(col + 31));
    const int exponent = static_cast<int>(s) - 127;
    const uint8_t* in = blocks.data() + b * 16;
    float* y = out.data() + b * 32;
    for (int i = 0; i < 16; ++i) {
      // Low nibble: even element, high nibble: odd (convert_moe_packed_tensors: sub[:, 0::2] =
      // lut[blk & 0x0F], sub[:, 1::2] = lut[blk >> 4], then ldexp by the exponent).
      y[2 * i] = std::ldexp(kMxfp4Values[in[i] & 0x0F], exponent);
      y[2 * i + 1] = std::ldexp(kMxfp4Values[in[i] >> 4], exponent);
    }
    for (int i = 0; i < 32; ++i)
      if (!std::isfinite(y[i]))
        throw Error(ErrorKind::Validation, where,
                    "scale " + std::to_string(s) + " (2^" + std::to_string(exponent) +
                        ") overflows fp32 in the block of row " + std::to_string(row) +
                        ", columns " + std::to_string(col) + ".." + std::to_string(col + 31));
  }
}

void decode_fp8_block_rows(std::span<const uint8_t> weight, std::span<const float> scale_inv,
                           const Fp8BlockShape& shape, int64_t first_row, std::span<float> out,
                           const std::string& where) {
  const int64_t N = shape.n, K = shape.k;
  if (N < 0 || K <= 0 || shape.block_n <= 0 || shape.block_k <= 0)
    bad_sizes(where, "bad FP8 shape");
  if (weight.size() != static_cast<uint64_t>(N) * static_cast<uint64_t>(K) ||
      scale_inv.size() !=
          static_cast<uint64_t>(shape.scale_rows()) * static_cast<uint64_t>(shape.scale_cols()))
    bad_sizes(where, "FP8 weight / scale_inv sizes disagree with the shape");
  if (out.size() % static_cast<uint64_t>(K) != 0) bad_sizes(where, "FP8 output is not whole rows");
  const auto rows = static_cast<int64_t>(out.size() / static_cast<uint64_t>(K));
  if (first_row < 0 || first_row + rows > N) bad_sizes(where, "FP8 rows outside the weight");
  const int64_t sc = shape.scale_cols();
  for (int64_t r = first_row; r < first_row + rows; ++r) {
    const float* srow = scale_inv.data() + (r / shape.block_n) * sc;
    const uint8_t* q = weight.data() + r * K;
    float* y = out.data() + (r - first_row) * K;
    for (int64_t j = 0; j < K; ++j) {
      const float s = srow[j / shape.block_k];
      if (!std::isfinite(s))
        throw Error(ErrorKind::Validation, where,
                    "weight_scale_inv[" + std::to_string(r / shape.block_n) + "][" +
                        std::to_string(j / shape.block_k) + "] is not finite");
      if ((q[j] & 0x7F) == 0x7F)
        throw Error(ErrorKind::Validation, where,
                    "E4M3 NaN code at [" + std::to_string(r) + "][" + std::to_string(j) + "]");
      y[j] = e4m3_decode(q[j]) * s;  // fp32 product, as weight_dequant computes it
    }
  }
}

}  // namespace archscope::quant
