// Host-side packing of the per-output-row formats (int8-channel, fp8-e4m3-channel) into the
// layout of /work/notes/packed_layouts.md: K one-byte codes per row (int8, or OCP E4M3 bits),
// row-major, plus one fp32 scale per row in a separate array. The codes and scales come from
// exactly formats.cpp's rounding, so unpack_channel_rows(pack_channel_rows(w)) equals
// fake_quantize(w) bit for bit (up to the sign of a zero, as pack.hpp says).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "quant/formats.hpp"

namespace archscope::quant {

bool has_row_scales(Format f);  // int8-channel, fp8-e4m3-channel

// w [N, K] -> codes (N * K bytes) and scales (N floats). Error(Validation) for a non-finite
// weight (`what` names the tensor) or a size mismatch; Error(Unsupported) for another format.
void pack_channel_rows(Format f, std::span<const float> w, int64_t N, int64_t K,
                       std::span<uint8_t> codes, std::span<float> scales,
                       const std::string& what = "pack");
// codes + scales of [N, K] -> out (N * K floats): code value * the row's scale.
void unpack_channel_rows(Format f, std::span<const uint8_t> codes, std::span<const float> scales,
                         int64_t N, int64_t K, std::span<float> out);

}  // namespace archscope::quant
