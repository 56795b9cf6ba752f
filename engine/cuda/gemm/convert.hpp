// Activation conversions in front of the tensor-core GEMMs (activations are fp32 everywhere
// else): to bf16 (round to nearest even; bf16 keeps fp32's exponent range), and to fp16 with a
// power-of-two scale per row chosen so the row's largest magnitude lands near 2^14, so no value
// overflows fp16's range and the products keep fp16's 11-bit precision; the GEMM's output rows are
// then multiplied back by their scale (exact: a power of two) before the bias is added.
#pragma once

#include <cstdint>

namespace archscope::cuda {

class CudaBackend;

void convert_to_bf16(CudaBackend& be, const float* x, void* out, int64_t n);
// A bf16 activation widened to fp32 (exact), for the linear paths that read fp32 x.
void convert_bf16_to_f32(CudaBackend& be, const void* x, float* out, int64_t n);
// out: T x K fp16, scales: T floats (the factor the GEMM rows must be multiplied by).
void convert_rows_to_f16(CudaBackend& be, const float* x, void* out, float* scales, int64_t T,
                         int64_t K);
// y[t, :] = y[t, :] * scales[t] (+ bias).
void scale_rows_add_bias(CudaBackend& be, float* y, const float* scales, const float* bias,
                         int64_t T, int64_t N);

}  // namespace archscope::cuda
