// out[r, :] = scale * row_scale[r] * x[r, :] (row_scale optional): a whole-tensor scale or a
// per-row one (router weights on an expert's input rows). Elementwise; out may alias x.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/elementwise.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {
struct ScaleParams {
  const float* x;
  const float* row_scale;
  float* out;
  int64_t n, width;
  float scale;
};

__global__ void scale_kernel(ScaleParams p) {
  kernel_prologue();
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < p.n;
       i += stride) {
    const float f = p.row_scale ? p.scale * p.row_scale[i / p.width] : p.scale;
    p.out[i] = f * p.x[i];
  }
}
}  // namespace

void CudaBackend::scale(Stream& s, const Tensor& x, float scale, const Tensor& row_scale,
                        Tensor& out) {
  const char* op = "scale";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_scale(x, row_scale, out);
  ScaleParams p{};
  p.x = in_f32(x, op, "x");
  p.out = out_f32(out, op, "out");
  require_f(out.shape() == x.shape(), op, [&] {
    return "out " + shape_string(out.shape()) + " differs from x " + shape_string(x.shape());
  });
  p.n = x.numel();
  p.width = 1;
  if (row_scale.defined()) {
    require(x.rank() >= 1, op, "a per-row scale needs a row dimension");
    const int64_t R = x.dim(0);
    p.width = R == 0 ? 1 : x.numel() / R;
    p.row_scale = in_f32(row_scale, op, "row_scale");
    check_shape(row_scale, {R}, op, "row_scale");
    if (p.width == 0) return;
  }
  p.scale = scale;
  launch(be, scale_kernel, dim3(elementwise_grid(p.n, be.sm_count())), dim3(256), 0, p);
}

}  // namespace archscope::cuda
