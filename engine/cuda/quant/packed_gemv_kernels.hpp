// The two packed GEMV kernels behind launch_packed_gemv (packed_gemv.hpp), for its dispatch:
// the direct kernel (packed_gemv_direct.cu) where its alignment conditions hold, the staged one
// (packed_gemv.cu) for every shape and alignment.
#pragma once

#include "cuda/quant/packed_gemv.hpp"

namespace archscope::cuda {

// Weights 4-byte aligned, rows a multiple of 4 bytes, K > 0.
bool packed_gemv_direct_applies(const PackedGemvArgs& a);
// Arguments validated by launch_packed_gemv; T, N >= 1.
void launch_packed_gemv_direct(CudaBackend& be, const PackedGemvArgs& a);
bool packed_gemv_direct64_applies(const PackedGemvArgs& a);
void launch_packed_gemv_direct64(CudaBackend& be, const PackedGemvArgs& a);
// Weights 16-byte aligned, rows a multiple of 16 bytes, q8_0 / q4_0 / mxfp4 / nf4, 0 < K <= 2^28.
bool packed_gemv_stream_applies(const PackedGemvArgs& a);
void launch_packed_gemv_stream(CudaBackend& be, const PackedGemvArgs& a);
void launch_packed_gemv_staged(CudaBackend& be, const PackedGemvArgs& a);

}  // namespace archscope::cuda
