// The bits archscope's packed layouts hold for an [N, K] matrix of a format
// (quant/packed_layout.hpp, quant/pack_channel.hpp, quant/pack_block128.hpp): what a packed run
// keeps resident and what its kernels stream per decode step, so analyze, the roofline and the
// bench's decode floor count these (tests/model/test_held_bytes.cpp holds the plan to the loaded
// tensors' bytes). storage_bits (formats.hpp) is the format's own count, which `quant` reports as
// bits per weight. They differ in three places, each for a reason of the layout:
// - int4-g128: 68 bytes per group of 128 (fp16 scale, the 4-bit zero point in a byte plus a pad
//   byte, 64 bytes of nibbles) = 4.25 bits per weight against the count's 4.156 (a 4-bit zero):
//   byte-aligned zero points and 4-byte aligned blocks the CPU and CUDA kernels load directly
//   (the contract of /work/notes/packed_layouts.md).
// - fp8-e4m3-block128: one fp32 scale per row and 128 columns (the row's 128 x 128 block's)
//   instead of one per block: 8.25 bits per weight against 8 + 32/16384, because the loader cuts
//   and gathers rows at boundaries that are not multiples of 128 (pack_block128.hpp).
// - a partial last block: held whole (zero-padded codes), where the count holds only K's codes.
#pragma once

#include <cstdint>

#include "quant/formats.hpp"

namespace archscope::quant {

uint64_t held_bits(Format f, int64_t N, int64_t K);

}  // namespace archscope::quant
