// Qwen3-Next's gated RMSNorm on the linear-attention output: w * (x / rms(x)) * silu(z), per value
// head (width = head_v_dim), the weight used as is. One block per row; out may alias x.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

unsigned norm_block(int64_t width);

namespace {
struct GatedNormParams {
  const float* x;
  const float* z;
  const void* w;
  float* out;
  int64_t width;
  float eps;
  FElem we;
};

__global__ void gated_rms_norm_kernel(GatedNormParams p) {
  kernel_prologue();
  __shared__ float scratch[32];
  const int64_t base = static_cast<int64_t>(blockIdx.x) * p.width;
  float ss = 0.0f;
  for (int64_t i = threadIdx.x; i < p.width; i += blockDim.x) ss += p.x[base + i] * p.x[base + i];
  ss = block_sum(ss, scratch);
  const float inv = 1.0f / sqrtf(ss / static_cast<float>(p.width) + p.eps);
  for (int64_t i = threadIdx.x; i < p.width; i += blockDim.x) {
    const float zv = p.z[base + i];
    const float silu = zv / (1.0f + expf(-zv));
    p.out[base + i] = load_elem(p.w, p.we, i) * (p.x[base + i] * inv) * silu;
  }
}
}  // namespace

void CudaBackend::gated_rms_norm(Stream& s, const Tensor& x, const Tensor& z, const Tensor& weight,
                                 float eps, int64_t width, Tensor& out) {
  const char* op = "gated_rms_norm";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_gated_rms_norm(x, z, weight, width, out);
  GatedNormParams p{};
  p.x = in_f32(x, op, "x");
  p.z = in_f32(z, op, "z");
  p.out = out_f32(out, op, "out");
  check_float(weight, op, "weight");
  require(width > 0 && x.numel() % width == 0, op, "width does not divide x");
  require(z.numel() == x.numel() && out.numel() == x.numel(), op, "x, z and out sizes differ");
  require(weight.numel() == width, op, "weight must have width elements");
  require(out.buffer() != x.buffer() || out.byte_offset() == x.byte_offset() ||
              out.byte_offset() >= x.byte_offset() + x.bytes() ||
              x.byte_offset() >= out.byte_offset() + out.bytes(),
          op, "out must be x or not overlap it");
  p.w = dptr(weight);
  p.we = felem(weight.elem());
  p.width = width;
  p.eps = eps;
  launch(be, gated_rms_norm_kernel, dim3(static_cast<unsigned>(x.numel() / width)),
         dim3(norm_block(width)), 0, p);
}

}  // namespace archscope::cuda
