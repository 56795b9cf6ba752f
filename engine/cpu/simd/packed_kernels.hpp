// Kernels that read packed quantized weights (Elem::Q8_0 / Q4_0, quant/packed_layout.hpp)
// directly, compiled for every Highway target and dispatched at run time like kernels.hpp. Weight
// only: the activations stay fp32, each block is dequantized in registers (int8 / nibbles widened
// to fp32) and multiplied with fp32 activations, fp32 accumulation.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backend/tensor.hpp"

namespace archscope::cpu {

// Decode GEMV over `rows` consecutive packed weight rows (K elements, row_bytes apart): one pass
// over each row serves nx (1..4) activation rows: out[j * out_stride + r] = sum_k w_r[k] x[j][k];
// up to nw (1, 2 or 4) rows are read side by side, sharing each activation load; those rows are
// rows / nw apart (nw long sequential streams), the remainder is read one row at a time.
// Per block the products are summed, then scaled by the block's scale once
// (sum_b d_b * sum_i q_i x_i), into up to 4 accumulators added at the end: every term passes
// through at most K + 2 roundings.
void packed_dot_rows(const uint8_t* w, Elem w_elem, size_t row_bytes, int64_t rows, int nw,
                     const float* const* x, int nx, size_t K, float* out, size_t out_stride);

// Dequantizes rows [0, nb) of a packed matrix (rows row_bytes apart) into out [nb][K] (row
// stride ldo floats): each value exactly quant::unpack_rows' (q * scale, one fp32 rounding).
void packed_dequantize_rows(const uint8_t* w, Elem w_elem, size_t row_bytes, int64_t nb, int64_t K,
                            float* out, int64_t ldo);

}  // namespace archscope::cpu
