// Host-side packing of fp32 weights into the packed block layouts of quant/packed_layout.hpp, with
// exactly the rounding rules of formats.cpp, and the inverse: unpack(pack(w)) equals
// fake_quantize(w) bit for bit (up to the sign of a zero: a packed integer code 0 reads back as
// +0 where fake_quantize may give -0; both are the same weight in every product).
//
// Formats with blocks along K are packed: q8_0, q4_0, int4-g128, nf4, mxfp4. The per-channel and
// 128 x 128 formats (int8-channel, fp8-e4m3-*) keep a separate scale array and have no packed
// layout here yet (has_packed_blocks is false for them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "quant/formats.hpp"

namespace archscope::quant {

bool has_packed_blocks(Format f);
// Elements per block (B) and bytes per block of a packed format; Error(Unsupported) otherwise.
int64_t packed_block_elems(Format f);
size_t packed_block_bytes(Format f);
// Bytes of one packed row of K elements, of an [N, K] matrix.
size_t packed_row_bytes(Format f, int64_t K);
size_t packed_bytes(Format f, int64_t N, int64_t K);

// w [N, K] row-major -> out (packed_bytes(f, N, K) bytes). Error(Validation) for a non-finite
// weight (no packed code holds it; `what` names the tensor) or a size mismatch.
void pack_rows(Format f, std::span<const float> w, int64_t N, int64_t K, std::span<uint8_t> out,
               const std::string& what = "pack");
// packed [N, K] -> out (N * K floats).
void unpack_rows(Format f, std::span<const uint8_t> packed, int64_t N, int64_t K,
                 std::span<float> out);

}  // namespace archscope::quant
