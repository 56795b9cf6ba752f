// ŵ[N, K] from packed bytes, one thread per weight: the layout's element rule read literally
// (packed_gemv.hpp), each product rounded once in fp32 as quant::fake_quantize computes it, so
// the result is comparable bit for bit with the format's definition.
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include "common/error.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"
#include "cuda/quant/nf4_table.cuh"
#include "cuda/quant/packed_gemv.hpp"

namespace archscope::cuda {

namespace {

struct DequantParams {
  PackedFormat f;
  const uint8_t* w;
  const float* scales;
  float* out;
  int64_t N, K, row_bytes;
};

__device__ float f16_at(const uint8_t* p) {
  return __half2float(__ushort_as_half(static_cast<unsigned short>(p[0] | (p[1] << 8))));
}
__device__ float e4m3(uint8_t q) {
  return __half2float(__half(__nv_cvt_fp8_to_halfraw(q, __NV_E4M3)));
}
// OCP MX E2M1: bit 3 sign, bits 2..1 exponent (bias 1), bit 0 mantissa.
__device__ float e2m1(uint32_t c) {
  const float mag[8] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};
  return (c & 8u) ? -mag[c & 7u] : mag[c & 7u];
}

__global__ void dequantize_kernel(DequantParams p) {
  kernel_prologue();
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= p.N * p.K) return;
  const int64_t n = i / p.K, k = i % p.K;
  const uint8_t* row = p.w + n * p.row_bytes;
  float y = 0.0f;
  switch (p.f) {
    case PackedFormat::Q8_0: {
      const uint8_t* b = row + (k / 32) * 34;
      y = static_cast<float>(static_cast<int8_t>(b[2 + k % 32])) * f16_at(b);
      break;
    }
    case PackedFormat::Q4_0: {
      const uint8_t* b = row + (k / 32) * 18;
      const int e = static_cast<int>(k % 32);
      const int q = e < 16 ? (b[2 + e] & 15) : (b[2 + e - 16] >> 4);
      y = static_cast<float>(q - 8) * f16_at(b);
      break;
    }
    case PackedFormat::Int4G128: {
      const uint8_t* b = row + (k / 128) * 68;
      const int e = static_cast<int>(k % 128);
      const int q = e < 64 ? (b[4 + e] & 15) : (b[4 + e - 64] >> 4);
      y = static_cast<float>(q - b[2]) * f16_at(b);
      break;
    }
    case PackedFormat::Nf4: {
      const uint8_t* b = row + (k / 64) * 36;
      const int e = static_cast<int>(k % 64);
      const int q = e < 32 ? (b[4 + e] & 15) : (b[4 + e - 32] >> 4);
      float absmax;
      memcpy(&absmax, b, 4);
      y = packed::kNf4CodesDevice[q] * absmax;
      break;
    }
    case PackedFormat::Mxfp4: {
      const uint8_t* b = row + (k / 32) * 17;
      const int e = static_cast<int>(k % 32);
      const uint32_t code = (b[1 + e / 2] >> (4 * (e % 2))) & 15u;
      const uint32_t x = b[0];
      const float X = x == 255u ? __uint_as_float(0x7fc00000u)
                      : x == 0u ? __uint_as_float(0x00400000u)  // 2^-127
                                : __uint_as_float(x << 23);
      y = e2m1(code) * X;
      break;
    }
    case PackedFormat::Int8Channel:
      y = static_cast<float>(static_cast<int8_t>(row[k])) * p.scales[n];
      break;
    case PackedFormat::Fp8E4M3Channel:
      y = e4m3(row[k]) * p.scales[n];
      break;
    case PackedFormat::Fp8E4M3Block128:
      y = e4m3(row[k]) * p.scales[(n / 128) * ((p.K + 127) / 128) + k / 128];
      break;
  }
  p.out[i] = y;
}

}  // namespace

void launch_packed_dequantize(CudaBackend& be, PackedFormat f, const void* w, const float* scales,
                              int64_t N, int64_t K, float* out) {
  if (N < 0 || K < 0) throw Error(ErrorKind::Validation, "packed_dequantize", "negative shape");
  if (N * K == 0) return;
  if (!w || !out || (packed_scale_count(f, N, K) > 0 && !scales))
    throw Error(ErrorKind::Validation, "packed_dequantize", "null weights, scales or output");
  const DequantParams p{f, static_cast<const uint8_t*>(w), scales, out, N,
                        K, packed_row_bytes(f, K)};
  launch(be, dequantize_kernel, dim3(ceil_div(N * K, 256)), dim3(256), 0, p);
}

}  // namespace archscope::cuda
