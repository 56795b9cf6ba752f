// The CPU linear for the packed formats beyond q8_0 / q4_0 (Elem::INT4_G128, NF4, MXFP4,
// INT8_CHANNEL, FP8_CHANNEL: simd/packed_format_kernels.hpp), called by linear() (and so by
// grouped_linear() per expert) once the op's contract holds.
#pragma once

#include <cstdint>

#include "backend/tensor.hpp"
#include "cpu/thread_pool.hpp"

namespace archscope::cpu {

// The host pointer of w's row scales for an element type with row scales (elem_has_row_scales:
// Tensor::quant, one fp32 per row, `rows` of them from quant.offset), null for the others.
// Error(Validation, op) when they are missing, too few or not in host memory.
const float* packed_row_scales(const Tensor& w, int64_t rows, const char* op);

// y[T, N] = x[T, K] . ŵ^T (+ bias[N]) for W packed [N, K] (rows elem_row_bytes(e, K) apart);
// row_scales as packed_row_scales gives them.
void packed_format_linear(ThreadPool& pool, const float* x, int64_t T, int64_t K, const uint8_t* w,
                          Elem e, const float* row_scales, int64_t N, const float* bias, float* y);

}  // namespace archscope::cpu
