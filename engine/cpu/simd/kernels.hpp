// Vectorised inner loops of the CPU ops, compiled for every x86 target Highway knows and picked at
// run time (HWY_DYNAMIC_DISPATCH), so one binary uses AVX-512 where present and SSE4/AVX2 elsewhere.
// Weights may be F32, BF16 or F16; they are widened to fp32 in registers, never copied.
#pragma once

#include <cstddef>

#include "backend/tensor.hpp"

namespace archscope::cpu {

// out[j] = sum_i w[i] * x[j][i] for j < nx, nx in 1..4: one pass over the weight row serves up to
// four activation rows (decode batches, prefill token groups). fp32 accumulation.
void dot_rows(const void* w, Elem w_elem, const float* const* x, int nx, size_t n, float* out);

// Register-blocked matvec for the weight-streaming linear: nw (1..4) weight rows (w_stride
// elements apart: consecutive rows, or rows spread over a stretch) against nx (1..4) activation
// rows, one pass over the weight rows: out[j * out_stride + r * out_row_stride] =
// sum_i w[r * w_stride + i] * x[j][i]. fp32 accumulation, bf16/fp16 widened in registers.
void dot_rows_multi(const void* w, Elem w_elem, size_t w_stride, int nw, const float* const* x,
                    int nx, size_t n, float* out, size_t out_stride, size_t out_row_stride = 1);

// sum_i x[i]^2 in fp32 lanes.
float sum_squares(const float* x, size_t n);

// y[i] += a * x[i]; x F32/BF16/F16 (attention's value accumulation).
void axpy(float a, const void* x, Elem x_elem, float* y, size_t n);

}  // namespace archscope::cpu
