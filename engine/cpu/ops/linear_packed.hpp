// The CPU linear for packed quantized weights (every packed Elem), called by linear() (and so by
// grouped_linear() per expert) once the op's contract holds.
#pragma once

#include <cstdint>

#include "backend/tensor.hpp"
#include "cpu/thread_pool.hpp"

namespace archscope::cpu {

// y[T, N] = x[T, K] . W^T (+ bias[N]) for W packed [N, K] (rows elem_row_bytes(e, K) apart).
// row_scales: the formats with row scales' (packed_row_scales, linear_packed_formats.hpp), else
// null.
void packed_linear(ThreadPool& pool, const float* x, int64_t T, int64_t K, const uint8_t* w, Elem e,
                   const float* row_scales, int64_t N, const float* bias, float* y);

}  // namespace archscope::cpu
