#include "cuda/gemm/cublaslt_gemm.hpp"

#include <string>

#include "common/error.hpp"
#include "cuda/cuda_backend.hpp"

namespace archscope::cuda {

namespace {

constexpr size_t kWorkspace = 32 << 20;

void check_lt(cublasStatus_t s, const char* what) {
  if (s != CUBLAS_STATUS_SUCCESS)
    throw Error(ErrorKind::Internal, "cuda.linear",
                std::string(what) + " failed (cuBLAS status " + std::to_string(s) + ")");
}

int alignment(const void* p) {
  const auto a = reinterpret_cast<uintptr_t>(p);
  int al = 256;
  while (al > 1 && a % static_cast<uintptr_t>(al) != 0) al /= 2;
  return al;
}

}  // namespace

LtGemm::LtGemm(CudaBackend& backend) : backend_(backend) {
  check_lt(cublasLtCreate(&handle_), "cublasLtCreate");
  workspace_ = backend.scratch(kWorkspace);
  workspace_bytes_ = kWorkspace;
}

LtGemm::~LtGemm() {
  for (auto& [k, p] : plans_) {
    if (p.a) cublasLtMatrixLayoutDestroy(p.a);
    if (p.b) cublasLtMatrixLayoutDestroy(p.b);
    if (p.c) cublasLtMatrixLayoutDestroy(p.c);
    if (p.desc) cublasLtMatmulDescDestroy(p.desc);
  }
  if (handle_) cublasLtDestroy(handle_);
}

LtGemm::Plan& LtGemm::plan(cudaDataType_t type, int64_t T, int64_t N, int64_t K, bool bias,
                           int align_x, int align_w, int align_out, int align_bias) {
  const Key key{static_cast<int>(type), T, N, K, bias, align_x, align_w, align_out, align_bias};
  auto it = plans_.find(key);
  if (it != plans_.end()) return it->second;
  Plan& p = plans_[key];
  // Column-major view: D[N, T] = W^T-stored [K, N] transposed times X-stored [K, T].
  const cublasComputeType_t compute =
      type == CUDA_R_32F ? CUBLAS_COMPUTE_32F_PEDANTIC : CUBLAS_COMPUTE_32F;
  check_lt(cublasLtMatmulDescCreate(&p.desc, compute, CUDA_R_32F), "cublasLtMatmulDescCreate");
  const cublasOperation_t ta = CUBLAS_OP_T, tb = CUBLAS_OP_N;
  check_lt(cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof ta),
           "set transa");
  check_lt(cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof tb),
           "set transb");
  if (bias) {
    const cublasLtEpilogue_t epi = CUBLASLT_EPILOGUE_BIAS;
    const cudaDataType_t bt = CUDA_R_32F;
    check_lt(
        cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_EPILOGUE, &epi, sizeof epi),
        "set epilogue");
    check_lt(
        cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE, &bt, sizeof bt),
        "set bias type");
  }
  check_lt(
      cublasLtMatrixLayoutCreate(&p.a, type, static_cast<uint64_t>(K), static_cast<uint64_t>(N), K),
      "layout w");
  check_lt(
      cublasLtMatrixLayoutCreate(&p.b, type, static_cast<uint64_t>(K), static_cast<uint64_t>(T), K),
      "layout x");
  check_lt(cublasLtMatrixLayoutCreate(&p.c, CUDA_R_32F, static_cast<uint64_t>(N),
                                      static_cast<uint64_t>(T), N),
           "layout out");
  cublasLtMatmulPreference_t pref = nullptr;
  check_lt(cublasLtMatmulPreferenceCreate(&pref), "preference");
  const uint64_t ws = workspace_bytes_;
  cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws,
                                       sizeof ws);
  const uint32_t ax = static_cast<uint32_t>(align_x), aw = static_cast<uint32_t>(align_w),
                 ao = static_cast<uint32_t>(align_out), ab = static_cast<uint32_t>(align_bias);
  cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, &aw,
                                       sizeof aw);
  cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES, &ax,
                                       sizeof ax);
  cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, &ao,
                                       sizeof ao);
  cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES, &ao,
                                       sizeof ao);
  if (bias)
    cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, &ao,
                                         sizeof ao);
  (void)ab;
  cublasLtMatmulHeuristicResult_t result{};
  int found = 0;
  const cublasStatus_t st =
      cublasLtMatmulAlgoGetHeuristic(handle_, p.desc, p.a, p.b, p.c, p.c, pref, 1, &result, &found);
  cublasLtMatmulPreferenceDestroy(pref);
  p.ok = st == CUBLAS_STATUS_SUCCESS && found > 0 && result.state == CUBLAS_STATUS_SUCCESS;
  if (p.ok) p.algo = result.algo;
  return p;
}

bool LtGemm::matmul(cudaDataType_t type, const void* x, const void* w, const float* bias,
                    float* out, int64_t T, int64_t N, int64_t K) {
  Plan& p = plan(type, T, N, K, bias != nullptr, alignment(x), alignment(w), alignment(out),
                 bias ? alignment(bias) : 256);
  if (!p.ok) return false;
  if (bias)
    check_lt(cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias,
                                            sizeof bias),
             "set bias pointer");
  const float one = 1.0f, zero = 0.0f;
  backend_.flush();
  backend_.queue().external_work();
  check_lt(cublasLtMatmul(handle_, p.desc, &one, w, p.a, x, p.b, &zero, out, p.c, out, p.c, &p.algo,
                          workspace_->handle(), workspace_bytes_, backend_.stream()),
           "cublasLtMatmul");
  return true;
}

}  // namespace archscope::cuda
