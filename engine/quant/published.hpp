// Decoders of the quantized layouts real checkpoints are published in, to fp32 (exact: every
// decoded value is a representable fp32 product, rounded once where the spec multiplies two
// floats). This is the one place that knows the bytes of a published quantized tensor; the HF
// weight source (model/hf_packed.hpp) checks names, dtypes and shapes and then calls these. A
// later packed-weight loader can take the same bytes here instead of decoding them.
//
// - MXFP4 as gpt-oss ships it (OCP Microscaling Formats (MX) v1.0, 2023: blocks of 32 E2M1
//   elements sharing one E8M0 scale; transformers integrations/mxfp4.py
//   convert_moe_packed_tensors): `blocks` [rows, K/32, 16] uint8, two E2M1 codes per byte, the LOW
//   nibble the even element and the high nibble the odd one; `scales` [rows, K/32] uint8, the E8M0
//   exponent biased by 127 (value 2^(s - 127)); element = FP4_VALUES[code] · 2^(s - 127). E8M0 code
//   0xFF is NaN (MX v1.0 §5.4.1): refused, as is a block whose values overflow fp32.
// - FP8 E4M3 with 128 × 128 block scales as DeepSeek-V3 ships it (DeepSeek-V3 inference/kernel.py
//   weight_dequant; transformers finegrained_fp8): weight [N, K] F8_E4M3 (OCP OFP8 v1.0 E4M3,
//   S.1111.111 NaN), `weight_scale_inv` [ceil(N/bn), ceil(K/bk)] fp32, w[i][j] =
//   e4m3(q[i][j]) · scale_inv[i / bn][j / bk] computed in fp32 (DeepSeek's kernel loads both as
//   fp32 and multiplies once). NaN codes and non-finite scales are refused.
// Errors are Error(Validation, where, ...) with `where` the caller's tensor location.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace archscope::quant {

// transformers' FP4_VALUES (integrations/mxfp4.py), indexed by the 4-bit code S.EE.M.
extern const float kMxfp4Values[16];

// 2^(code - 127); NaN for 0xFF (MX v1.0's E8M0).
float e8m0_decode(uint8_t code);

// Rows [0, rows) of an MXFP4 tensor of `k_blocks` blocks of 32 per row into out[rows, 32 ·
// k_blocks]. blocks.size() must be rows · k_blocks · 16, scales.size() rows · k_blocks, out.size()
// rows · k_blocks · 32 (Error Internal otherwise: never read or write past a buffer).
// `first_row` only numbers the rows in error messages.
void decode_mxfp4_rows(std::span<const uint8_t> blocks, std::span<const uint8_t> scales,
                       int64_t rows, int64_t k_blocks, std::span<float> out,
                       const std::string& where, int64_t first_row = 0);

struct Fp8BlockShape {
  int64_t n = 0, k = 0;                  // the weight [N, K]
  int64_t block_n = 128, block_k = 128;  // weight_block_size
  int64_t scale_rows() const { return (n + block_n - 1) / block_n; }
  int64_t scale_cols() const { return (k + block_k - 1) / block_k; }
};

// Rows [first_row, first_row + out.size() / K) of an FP8 block-scaled weight into out. `weight`
// is the whole [N, K] tensor's bytes, `scale_inv` the whole [scale_rows, scale_cols] fp32 table
// (both checked against the shape: Error Internal when they disagree or the rows run past N).
void decode_fp8_block_rows(std::span<const uint8_t> weight, std::span<const float> scale_inv,
                           const Fp8BlockShape& shape, int64_t first_row, std::span<float> out,
                           const std::string& where);

}  // namespace archscope::quant
