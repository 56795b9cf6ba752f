// In-process ceilings of a CUDA device for `archscope bench`: what the decode and prefill times
// are divided by. Each on random data (zeros run faster on this hardware: METHOD.md), buffers of
// 4 GiB (far beyond the 50-60 MB L2), timed with CUDA events, median of 20 after 3 warm-ups.
//  - read: every 16-byte vector of a 4 GiB buffer loaded once, reduced to a max-abs per block
//    (the same as torch's amax over an fp32 view, the anchor of docs/performance.md);
//  - copy: cudaMemcpyAsync device to device of 2 GiB, counted as 4 GiB moved;
//  - bf16 GEMM: cuBLASLt 8192 x 8192 x 8192, bf16 in and out, fp32 accumulation;
//  - fp32 GEMM: cuBLASLt 4096^3 with CUBLAS_COMPUTE_32F_PEDANTIC (no TF32).
#include <cublasLt.h>

#include <algorithm>
#include <string>
#include <vector>

#include "backend/cuda_entry.hpp"
#include "common/error.hpp"
#include "cuda/cuda_backend.hpp"
#include "cuda/kernels/common.cuh"

namespace archscope::cuda {

namespace {

void ck(cudaError_t e, const char* what) {
  if (e != cudaSuccess)
    throw Error(ErrorKind::Internal, "cuda.ceilings",
                std::string(what) + ": " + cudaGetErrorString(e));
}
void ck(cublasStatus_t s, const char* what) {
  if (s != CUBLAS_STATUS_SUCCESS)
    throw Error(ErrorKind::Internal, "cuda.ceilings",
                std::string(what) + ": cuBLAS status " + std::to_string(s));
}

// Values in [-1, 1) from a hash of the index, as raw words of the buffer's type.
__global__ void fill_random_f32(float* p, size_t n, uint32_t seed) {
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    uint32_t x = static_cast<uint32_t>(i) * 2654435761u ^ seed ^ static_cast<uint32_t>(i >> 32);
    x ^= x >> 16, x *= 0x7feb352du, x ^= x >> 15, x *= 0x846ca68bu, x ^= x >> 16;
    p[i] = static_cast<float>(x) * (2.0f / 4294967296.0f) - 1.0f;
  }
}
__global__ void fill_random_bf16(__nv_bfloat16* p, size_t n, uint32_t seed) {
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    uint32_t x = static_cast<uint32_t>(i) * 2654435761u ^ seed;
    x ^= x >> 16, x *= 0x7feb352du, x ^= x >> 15, x *= 0x846ca68bu, x ^= x >> 16;
    p[i] = __float2bfloat16_rn(static_cast<float>(x) * (2.0f / 4294967296.0f) - 1.0f);
  }
}

__global__ void amax_kernel(const uint4* p, size_t n, float* out) {
  float m = 0.0f;
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const uint4 v = p[i];
    m = fmaxf(m, fmaxf(fmaxf(fabsf(__uint_as_float(v.x)), fabsf(__uint_as_float(v.y))),
                       fmaxf(fabsf(__uint_as_float(v.z)), fabsf(__uint_as_float(v.w)))));
  }
  m = warp_max(m);
  if ((threadIdx.x & 31) == 0) atomicMax(reinterpret_cast<int*>(out), __float_as_int(m));  // m >= 0
}

template <class F>
double median_ms(cudaStream_t s, F&& run) {
  cudaEvent_t a, b;
  ck(cudaEventCreate(&a), "cudaEventCreate");
  ck(cudaEventCreate(&b), "cudaEventCreate");
  for (int i = 0; i < 3; ++i) run();
  std::vector<float> ms;
  for (int i = 0; i < 20; ++i) {
    ck(cudaEventRecord(a, s), "cudaEventRecord");
    run();
    ck(cudaEventRecord(b, s), "cudaEventRecord");
    ck(cudaEventSynchronize(b), "cudaEventSynchronize");
    float t = 0;
    ck(cudaEventElapsedTime(&t, a, b), "cudaEventElapsedTime");
    ms.push_back(t);
  }
  cudaEventDestroy(a);
  cudaEventDestroy(b);
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

double gemm_tflops(CudaBackend& be, cudaDataType_t type, int64_t n) {
  const size_t elem = type == CUDA_R_32F ? 4 : 2;
  auto a = be.scratch(static_cast<size_t>(n * n) * elem),
       b = be.scratch(static_cast<size_t>(n * n) * elem);
  auto c = be.scratch(static_cast<size_t>(n * n) * elem);
  auto ws = be.scratch(32 << 20);
  cudaStream_t s = be.stream();
  for (auto* buf : {&a, &b}) {
    if (type == CUDA_R_32F)
      fill_random_f32<<<1024, 256, 0, s>>>(static_cast<float*>((*buf)->handle()),
                                           static_cast<size_t>(n * n), 7);
    else
      fill_random_bf16<<<1024, 256, 0, s>>>(static_cast<__nv_bfloat16*>((*buf)->handle()),
                                            static_cast<size_t>(n * n), 9);
  }
  ck(cudaGetLastError(), "fill");
  cublasLtHandle_t h;
  ck(cublasLtCreate(&h), "cublasLtCreate");
  cublasLtMatmulDesc_t d;
  ck(cublasLtMatmulDescCreate(
         &d, type == CUDA_R_32F ? CUBLAS_COMPUTE_32F_PEDANTIC : CUBLAS_COMPUTE_32F, CUDA_R_32F),
     "desc");
  const cublasOperation_t t = CUBLAS_OP_T, nt = CUBLAS_OP_N;
  cublasLtMatmulDescSetAttribute(d, CUBLASLT_MATMUL_DESC_TRANSA, &t, sizeof t);
  cublasLtMatmulDescSetAttribute(d, CUBLASLT_MATMUL_DESC_TRANSB, &nt, sizeof nt);
  cublasLtMatrixLayout_t la, lb, lc;
  ck(cublasLtMatrixLayoutCreate(&la, type, n, n, n), "layout");
  ck(cublasLtMatrixLayoutCreate(&lb, type, n, n, n), "layout");
  ck(cublasLtMatrixLayoutCreate(&lc, type, n, n, n), "layout");
  cublasLtMatmulPreference_t pref;
  ck(cublasLtMatmulPreferenceCreate(&pref), "pref");
  const uint64_t wsb = 32 << 20;
  cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &wsb,
                                       sizeof wsb);
  cublasLtMatmulHeuristicResult_t res{};
  int found = 0;
  ck(cublasLtMatmulAlgoGetHeuristic(h, d, la, lb, lc, lc, pref, 1, &res, &found), "heuristic");
  if (found == 0)
    throw Error(ErrorKind::Internal, "cuda.ceilings", "no cuBLASLt algorithm for the GEMM ceiling");
  const float one = 1.0f, zero = 0.0f;
  const double ms = median_ms(s, [&] {
    ck(cublasLtMatmul(h, d, &one, a->handle(), la, b->handle(), lb, &zero, c->handle(), lc,
                      c->handle(), lc, &res.algo, ws->handle(), wsb, s),
       "cublasLtMatmul");
  });
  cublasLtMatmulPreferenceDestroy(pref);
  cublasLtMatrixLayoutDestroy(la);
  cublasLtMatrixLayoutDestroy(lb);
  cublasLtMatrixLayoutDestroy(lc);
  cublasLtMatmulDescDestroy(d);
  cublasLtDestroy(h);
  return 2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n) /
         (ms * 1e-3) / 1e12;
}

}  // namespace

DeviceCeilings measure_device_ceilings(CudaBackend& be) {
  be.synchronize(be.default_stream());
  DeviceCeilings c;
  const size_t bytes = size_t{4} << 30;
  c.buffer_bytes = bytes;
  cudaStream_t s = be.stream();
  {
    auto buf = be.scratch(bytes);
    auto out = be.scratch(256);
    fill_random_f32<<<4096, 256, 0, s>>>(static_cast<float*>(buf->handle()), bytes / 4, 1);
    ck(cudaGetLastError(), "fill");
    const unsigned blocks = static_cast<unsigned>(be.sm_count() * 8);
    const double ms = median_ms(s, [&] {
      amax_kernel<<<blocks, 512, 0, s>>>(static_cast<const uint4*>(buf->handle()), bytes / 16,
                                         static_cast<float*>(out->handle()));
    });
    ck(cudaGetLastError(), "amax");
    c.read_gbs = static_cast<double>(bytes) / (ms * 1e-3) / 1e9;
    const size_t half = bytes / 2;
    const double cms = median_ms(s, [&] {
      ck(cudaMemcpyAsync(static_cast<char*>(buf->handle()) + half, buf->handle(), half,
                         cudaMemcpyDeviceToDevice, s),
         "copy");
    });
    c.copy_gbs = 2.0 * static_cast<double>(half) / (cms * 1e-3) / 1e9;
  }
  c.bf16_gemm_tflops = gemm_tflops(be, CUDA_R_16BF, 8192);
  c.fp32_gemm_tflops = gemm_tflops(be, CUDA_R_32F, 4096);
  ck(cudaStreamSynchronize(s), "cudaStreamSynchronize");
  be.queue().external_work();
  return c;
}

}  // namespace archscope::cuda

namespace archscope::cuda_entry {

DeviceCeilings measure_ceilings(Backend& backend) {
  auto* be = dynamic_cast<cuda::CudaBackend*>(&backend);
  if (!be)
    throw Error(ErrorKind::Unsupported, "bench",
                std::string("no device ceilings for the ") + backend.name() + " backend");
  return cuda::measure_device_ceilings(*be);
}

}  // namespace archscope::cuda_entry
