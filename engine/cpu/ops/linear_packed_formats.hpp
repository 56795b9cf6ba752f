// The row scales of the packed formats beyond q8_0 / q4_0 that carry them, for the CPU linear
// (linear_packed.hpp runs every packed format; simd/packed_format_kernels.hpp has their kernels).
#pragma once

#include <cstdint>

#include "backend/tensor.hpp"
#include "cpu/thread_pool.hpp"

namespace archscope::cpu {

// The host pointer of w's row scales for an element type with row scales (elem_has_row_scales:
// Tensor::quant, one fp32 per row, `rows` of them from quant.offset), null for the others.
// Error(Validation, op) when they are missing, too few or not in host memory.
const float* packed_row_scales(const Tensor& w, int64_t rows, const char* op);

}  // namespace archscope::cpu
