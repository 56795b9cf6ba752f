// QLoRA's NF4 code values on the device (Dettmers et al. 2023, appendix E; bitsandbytes' table,
// the same values as quant::kNf4Codes in engine/quant/formats.cpp). `static`: device constant
// memory belongs to one translation unit without relocatable device code, so each .cu that
// includes this gets its own copy of the one literal.
#pragma once

namespace archscope::cuda::packed {

static __constant__ float kNf4CodesDevice[16] = {
    -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
    -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
    0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
    0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f,
};

}  // namespace archscope::cuda::packed
