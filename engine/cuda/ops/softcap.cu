// Final logit scale and soft-cap (Gemma 2/3, Grok): cap * tanh(scale * x / cap), or scale * x
// when cap == 0. Elementwise; out may alias x.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/elementwise.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {
struct SoftcapParams {
  const float* x;
  float* out;
  int64_t n;
  float scale, cap;
};

__global__ void softcap_kernel(SoftcapParams p) {
  kernel_prologue();
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < p.n;
       i += stride)
    p.out[i] = p.cap > 0.0f ? p.cap * tanhf(p.scale * p.x[i] / p.cap) : p.scale * p.x[i];
}
}  // namespace

void CudaBackend::softcap(Stream& s, const Tensor& x, float scale, float cap, Tensor& out) {
  const char* op = "softcap";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_softcap(x, cap, out);
  SoftcapParams p{};
  p.x = in_f32(x, op, "x");
  p.out = out_f32(out, op, "out");
  require(out.numel() == x.numel(), op, "out size differs from x");
  require(cap >= 0.0f, op, "negative cap");
  p.n = x.numel();
  p.scale = scale;
  p.cap = cap;
  launch(be, softcap_kernel, dim3(elementwise_grid(p.n, be.sm_count())), dim3(256), 0, p);
}

}  // namespace archscope::cuda
