// out = a + scale * b: residual adds (scale 1) and scaled adds (MoE expert outputs by weight).
// Elementwise, so out may alias a or b.
#include <algorithm>

#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {
struct AddParams {
  const float* a;
  const float* b;
  float* out;
  int64_t n;
  float scale;
};

__global__ void add_kernel(AddParams p) {
  kernel_prologue();
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  const int64_t i0 = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const bool vec = (reinterpret_cast<uintptr_t>(p.a) | reinterpret_cast<uintptr_t>(p.b) |
                    reinterpret_cast<uintptr_t>(p.out)) %
                       16 ==
                   0;
  if (vec) {
    const int64_t n4 = p.n / 4;
    for (int64_t i = i0; i < n4; i += stride) {
      const float4 x = reinterpret_cast<const float4*>(p.a)[i],
                   y = reinterpret_cast<const float4*>(p.b)[i];
      reinterpret_cast<float4*>(p.out)[i] = make_float4(x.x + p.scale * y.x, x.y + p.scale * y.y,
                                                        x.z + p.scale * y.z, x.w + p.scale * y.w);
    }
    for (int64_t i = n4 * 4 + i0; i < p.n; i += stride) p.out[i] = p.a[i] + p.scale * p.b[i];
  } else {
    for (int64_t i = i0; i < p.n; i += stride) p.out[i] = p.a[i] + p.scale * p.b[i];
  }
}
}  // namespace

void CudaBackend::add(Stream& s, const Tensor& a, const Tensor& b, float scale, Tensor& out) {
  const char* op = "add";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_add(a, b, out);
  AddParams p{};
  p.a = in_f32(a, op, "a");
  p.b = in_f32(b, op, "b");
  p.out = out_f32(out, op, "out");
  require_f(a.numel() == b.numel() && a.numel() == out.numel(), op, [&] {
    return "sizes differ: " + shape_string(a.shape()) + ", " + shape_string(b.shape()) + ", " +
           shape_string(out.shape());
  });
  p.n = a.numel();
  p.scale = scale;
  launch(be, add_kernel, dim3(std::max(1u, std::min(ceil_div(p.n / 4 + 1, 256), 4096u))), dim3(256),
         0, p);
}

}  // namespace archscope::cuda
