// Host-side packing of fp8-e4m3-block128 (DeepSeek-V3's 128 x 128 blocks of [N, K], s = absmax /
// 448 per block) into the layout the CPU holds: K one-byte OCP E4M3 codes per row, row-major, plus
// ceil(K / 128) fp32 scales per row — each row carries the scale of the 128 x 128 block it lies in.
// Why per row and not the format's ceil(N/128) x ceil(K/128) grid: the loader cuts and gathers
// rows of a quantized tensor (Qwen3-Next's q / gate rows, in_proj_qkvz, kv_a's latent and rope
// rows, fused experts) at boundaries that are not multiples of 128, and a grid cannot follow such
// a cut; a row's own copy of its block's scale can (32 / 128 = 0.25 bits per weight more than the
// format's count, resident_bits says so). The codes come from exactly formats.cpp's rounding
// (e4m3(w / s)), so unpack_block128_rows(pack_block128_rows(w)) equals fake_quantize(w) bit for bit
// (up to the sign of a zero).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace archscope::quant {

inline constexpr int64_t kFp8Block128 = 128;

// Scales per row of K columns: ceil(K / 128).
int64_t block128_scales_per_row(int64_t K);

// The scale of each row's 128-column blocks, computed over the whole [N, K] matrix's 128 x 128
// blocks (N * ceil(K / 128) values, row-major). Error(Validation) for a size mismatch or a
// non-finite weight (`what` names the tensor).
std::vector<float> block128_row_scales(std::span<const float> w, int64_t N, int64_t K,
                                       const std::string& what = "pack");

// w [N, K] with its rows' scales (block128_row_scales of the matrix the rows came from, the same
// rows) -> codes (N * K bytes): e4m3(w / s), 0 where s is 0. Error(Validation) on a size mismatch.
void pack_block128_rows(std::span<const float> w, std::span<const float> row_scales, int64_t N,
                        int64_t K, std::span<uint8_t> codes, const std::string& what = "pack");

// codes + per-row scales -> out (N * K floats): e4m3 value * the element's block scale.
void unpack_block128_rows(std::span<const uint8_t> codes, std::span<const float> row_scales,
                          int64_t N, int64_t K, std::span<float> out);

}  // namespace archscope::quant
