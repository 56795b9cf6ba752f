// out[..., :] = x[..., offset : offset + width]: a column range of the last dim (MLA's nope and
// rope parts of the queries, the latent part of the absorbed attention output). One thread per
// output element.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {
struct SliceParams {
  const float* x;
  float* out;
  int64_t n, W, offset, width;
};

__global__ void slice_last_kernel(SliceParams p) {
  kernel_prologue();
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < p.n;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)
    p.out[i] = p.x[(i / p.width) * p.W + p.offset + i % p.width];
}
}  // namespace

void CudaBackend::slice_last(Stream& s, const Tensor& x, int64_t offset, int64_t width,
                             Tensor& out) {
  const char* op = "slice_last";
  CudaBackend& be = cuda_of(*this, s, op);
  const contract::SliceDims d = contract::check_slice_last(x, offset, width, out);
  SliceParams p{};
  p.x = in_f32(x, op, "x");
  p.out = out_f32(out, op, "out");
  p.W = d.width;
  p.offset = offset;
  p.width = width;
  p.n = d.rows * width;
  if (p.n == 0) return;
  const int64_t blocks = std::min<int64_t>(ceil_div(p.n, 256), 65535);
  launch(be, slice_last_kernel, dim3(static_cast<unsigned>(blocks)), dim3(256), 0, p);
}

}  // namespace archscope::cuda
