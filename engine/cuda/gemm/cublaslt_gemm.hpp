// cuBLASLt matrix products for the linear op: out[T, N] = x[T, K] . w[N, K]^T (+ bias), fp32
// out. bf16/fp16 operands run on the tensor cores with fp32 accumulation; fp32 operands use
// CUBLAS_COMPUTE_32F_PEDANTIC (plain fp32 FMA: no TF32, no reduced-precision reductions), so an
// fp32 model agrees with the CPU backend to fp32 rounding. Descriptors and the heuristic's choice
// are cached per shape; the workspace is allocated once.
#pragma once

#include <cublasLt.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <map>
#include <memory>
#include <tuple>

#include "backend/tensor.hpp"

namespace archscope::cuda {

class CudaBackend;

class LtGemm {
 public:
  explicit LtGemm(CudaBackend& backend);
  ~LtGemm();
  LtGemm(const LtGemm&) = delete;
  LtGemm& operator=(const LtGemm&) = delete;

  // a: x as `type` [T, K] row-major, b: w as `type` [N, K] row-major, out fp32 [T, N].
  // Returns false when cuBLASLt has no algorithm for the shape (the caller falls back).
  bool matmul(cudaDataType_t type, const void* x, const void* w, const float* bias, float* out,
              int64_t T, int64_t N, int64_t K);

 private:
  struct Plan {
    cublasLtMatmulDesc_t desc = nullptr;
    cublasLtMatrixLayout_t a = nullptr, b = nullptr, c = nullptr;
    cublasLtMatmulAlgo_t algo{};
    bool ok = false;
  };
  using Key = std::tuple<int, int64_t, int64_t, int64_t, bool, int, int, int, int>;
  Plan& plan(cudaDataType_t type, int64_t T, int64_t N, int64_t K, bool bias, int align_x,
             int align_w, int align_out, int align_bias);

  CudaBackend& backend_;
  cublasLtHandle_t handle_ = nullptr;
  std::shared_ptr<Buffer> workspace_;
  size_t workspace_bytes_ = 0;
  std::map<Key, Plan> plans_;
};

}  // namespace archscope::cuda
