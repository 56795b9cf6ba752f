// Kernels that read the packed formats beyond q8_0 / q4_0 directly (issue 12 §2): int4-g128,
// nf4, mxfp4 (blocks with their scale inside, quant/packed_layout.hpp) and int8-channel,
// fp8-e4m3-channel (one-byte codes, one fp32 scale per row beside them), fp8-e4m3-block128
// (one-byte codes, one fp32 scale per 128 columns of each row beside them). Compiled for every
// Highway target, one file per format (packed_int4_kernels.cpp, packed_nf4_kernels.cpp,
// packed_mxfp4_kernels.cpp, packed_channel_kernels.cpp), dispatched at run time. Weight only:
// activations stay fp32, each block's code values are multiplied with the fp32 activations and
// summed, the sum scaled once by the block's (or row's) scale, fp32 accumulation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "backend/tensor.hpp"

namespace archscope::cpu {

// The formats these kernels take: INT4_G128, NF4, MXFP4, INT8_CHANNEL, FP8_CHANNEL,
// FP8_BLOCK128.
bool has_packed_format_kernel(Elem e);

// out[j * out_stride + r] = sum_k ŵ_r[k] x[j][k] over `rows` consecutive packed rows (K elements,
// row_bytes apart) and nx (1..4) activation rows read in one pass over the weights. row_scales:
// the first row's scales, elem_row_scale_count(e, K) fp32 per row (null for the block formats).
// Every term passes through at most K + 2 roundings.
void packed_format_dot_rows(const uint8_t* w, Elem e, size_t row_bytes, const float* row_scales,
                            int64_t rows, const float* const* x, int nx, size_t K, float* out,
                            size_t out_stride);

// Rows [0, nb) dequantized into out [nb][K] (row stride ldo): each value exactly
// quant::fake_quantize's (code value * scale, one fp32 rounding).
void packed_format_dequantize_rows(const uint8_t* w, Elem e, size_t row_bytes,
                                   const float* row_scales, int64_t nb, int64_t K, float* out,
                                   int64_t ldo);

namespace packed_format_detail {

// The code values of the table formats (quant/minifloat.hpp's decoders, tabulated once).
extern const std::array<float, 256> kE4M3Values;
extern const std::array<float, 16> kE2M1Values;

// IEEE binary16 bits -> fp32, exact, integer ops only (no F16C needed on SSE4 / scalar).
float half_to_float(uint16_t h);
// 2^(e - 127) (OCP MX E8M0; e = 255, NaN, never produced by the packer), exact.
float e8m0_to_float(uint8_t e);

// The per-format entries (the Highway dispatchers of each file).
using DotRowsFn = void (*)(const uint8_t*, size_t, const float*, int64_t, const float* const*, int,
                           size_t, float*, size_t);
using DequantizeFn = void (*)(const uint8_t*, size_t, const float*, int64_t, int64_t, float*,
                              int64_t);
void int4_g128_dot_rows(const uint8_t*, size_t, const float*, int64_t, const float* const*, int,
                        size_t, float*, size_t);
void int4_g128_dequantize(const uint8_t*, size_t, const float*, int64_t, int64_t, float*, int64_t);
void nf4_dot_rows(const uint8_t*, size_t, const float*, int64_t, const float* const*, int, size_t,
                  float*, size_t);
void nf4_dequantize(const uint8_t*, size_t, const float*, int64_t, int64_t, float*, int64_t);
void mxfp4_dot_rows(const uint8_t*, size_t, const float*, int64_t, const float* const*, int, size_t,
                    float*, size_t);
void mxfp4_dequantize(const uint8_t*, size_t, const float*, int64_t, int64_t, float*, int64_t);
void int8_channel_dot_rows(const uint8_t*, size_t, const float*, int64_t, const float* const*, int,
                           size_t, float*, size_t);
void int8_channel_dequantize(const uint8_t*, size_t, const float*, int64_t, int64_t, float*,
                             int64_t);
void fp8_channel_dot_rows(const uint8_t*, size_t, const float*, int64_t, const float* const*, int,
                          size_t, float*, size_t);
void fp8_channel_dequantize(const uint8_t*, size_t, const float*, int64_t, int64_t, float*,
                            int64_t);
void fp8_block128_dot_rows(const uint8_t*, size_t, const float*, int64_t, const float* const*, int,
                           size_t, float*, size_t);
void fp8_block128_dequantize(const uint8_t*, size_t, const float*, int64_t, int64_t, float*,
                             int64_t);

}  // namespace packed_format_detail

}  // namespace archscope::cpu
