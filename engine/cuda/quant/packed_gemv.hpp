// Decode GEMVs that read packed quantized weights directly (issue 12 §2, CUDA): out[T, N] =
// x[T, K] . ŵ[N, K]^T (+ bias) for T <= 8 token rows, fp32 activations, fp32 accumulation, the
// weights dequantized in registers and never written out. The byte layouts are the shared
// contract of the CPU and CUDA packed kernels (issue 12 §2; quant/packed_layout.hpp holds the
// block structs): rows of ceil(K / B) byte-packed blocks, row-major, a partial last block
// zero-padded (the kernels do not rely on the padding); the per-row / per-128x128 formats keep
// their fp32 scales in a separate array.
//
// The launchers take raw device pointers and shapes so that they do not depend on how a packed
// Tensor carries them (the engine's linear op passes Tensor::data and the scale buffer).
#pragma once

#include <cstdint>

namespace archscope::cuda {

class CudaBackend;

enum class PackedFormat {
  Q8_0,             // { fp16 d; int8 qs[32]; }                      34 bytes / 32 weights
  Q4_0,             // { fp16 d; uint8 qs[16]; }                     18 bytes / 32 weights
  Int4G128,         // { fp16 s; uint8 z; uint8 pad; uint8 qs[64]; } 68 bytes / 128 weights
  Nf4,              // { float absmax; uint8 qs[32]; }               36 bytes / 64 weights
  Mxfp4,            // { uint8 e8m0; uint8 qs[16]; }                 17 bytes / 32 weights
  Int8Channel,      // int8 q[N][K] + float scale[N]
  Fp8E4M3Channel,   // e4m3 q[N][K] + float scale[N]
  Fp8E4M3Block128,  // e4m3 q[N][K] + float scale[ceil(N/128)][ceil(K/128)]
};

const char* packed_format_name(PackedFormat f);  // "q8_0", ... as quant::to_string names them

// Elements per block along K (the whole row for the per-row formats: returns K) and bytes per
// block; the values array of an [N, K] matrix is N * packed_row_bytes(f, K) bytes.
int64_t packed_block_elems(PackedFormat f, int64_t K);
int64_t packed_block_bytes(PackedFormat f, int64_t K);
int64_t packed_row_bytes(PackedFormat f, int64_t K);
// Floats in the separate scale array (0 for the block formats, whose scales are inline).
int64_t packed_scale_count(PackedFormat f, int64_t N, int64_t K);

struct PackedGemvArgs {
  PackedFormat format = PackedFormat::Q8_0;
  const float* x = nullptr;       // [T, K] fp32, row stride K
  const void* w = nullptr;        // N * packed_row_bytes(format, K) bytes
  const float* scales = nullptr;  // packed_scale_count floats (channel / block128 formats)
  const float* bias = nullptr;    // [N] or null
  float* out = nullptr;           // [T, N] fp32, row stride N
  int64_t T = 0, N = 0, K = 0;
};

// Any T >= 0 (passes of up to 8 rows), N, K >= 0. Throws Error(Validation) on a missing pointer
// or negative shape. Asynchronous on the backend's stream, recorded by its launch queue (graphs).
void launch_packed_gemv(CudaBackend& be, const PackedGemvArgs& a);

// Which kernel launch_packed_gemv runs (process-wide; for the tests and bench_quant_cuda, which
// compare them). The direct kernels (weights loaded straight into registers; packed_gemv_direct.cu
// and its 64-register variant packed_gemv_direct64.cu) need the weights 4-byte aligned and rows
// of a multiple of 4 bytes (every bench-1b matrix); the staged kernel (rows through shared
// memory) takes any shape; the streamed kernel (packed_gemv_stream.cu: per-warp cp.async rings)
// q8_0 / q4_0 / mxfp4 / nf4 with 16-byte aligned rows of a multiple of 16 bytes.
// Auto (the default), from the H200 measurements in docs/quant-cuda.md: the 64-register direct
// kernel for q8_0, q4_0, mxfp4 and nf4 at T = 1 on matrices of more than 1024 rows; else the
// direct kernel where it applies for those and fp8-e4m3-block128, and for int4-g128 and the
// per-channel int8 / fp8 on matrices of <= 1024 rows; else staged.
// Direct / Direct64 / Stream: that kernel wherever it applies (else Direct: staged; Direct64:
// direct, then staged; Stream: Auto's choice between direct and staged); Staged: always staged.
enum class PackedGemvKernel { Auto, Staged, Direct, Direct64, Stream };
void set_packed_gemv_kernel(PackedGemvKernel k);
PackedGemvKernel packed_gemv_kernel();

// ŵ[N, K] as fp32 from the packed bytes: the layout's decode, element by element (the value the
// GEMV multiplies with, before the per-block scale is factored out), for a prefill path through
// cuBLASLt and for tests that compare the device decode with the definition bit for bit.
void launch_packed_dequantize(CudaBackend& be, PackedFormat f, const void* w, const float* scales,
                              int64_t N, int64_t K, float* out);

}  // namespace archscope::cuda
