// Rotary embeddings in place on x [T, heads, head_dim] with tables from engine/rope: pairs
// (i, i + rot_dim/2) or, interleaved, (2i, 2i + 1) of the span [rot_offset, rot_offset + rot_dim)
// rotate by the position's angle; the rest passes through. One thread per pair; a position outside
// the tables is reported and its row left as is.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/elementwise.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {
struct RopeParams {
  float* x;
  const int32_t* pos;
  const float* cos;
  const float* sin;
  DeviceErrors* err;
  int64_t T, H, head_dim, rot_offset, half, P;
  int interleaved;
};

__global__ void rope_kernel(RopeParams p) {
  kernel_prologue();
  const int64_t n = p.T * p.H * p.half, stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t j = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; j < n;
       j += stride) {
    const int64_t i = j % p.half, r = j / p.half, t = r / p.H;
    const int64_t pos = p.pos[t];
    if (pos < 0 || pos >= p.P) {
      report(p.err, DeviceCheck::RopePosition, pos, p.P);
      continue;
    }
    const float c = p.cos[pos * p.half + i], s = p.sin[pos * p.half + i];
    float* h = p.x + r * p.head_dim + p.rot_offset;
    float* a = p.interleaved ? h + 2 * i : h + i;
    float* b = p.interleaved ? h + 2 * i + 1 : h + i + p.half;
    const float x1 = *a, x2 = *b;
    *a = x1 * c - x2 * s;
    *b = x2 * c + x1 * s;
  }
}
}  // namespace

void CudaBackend::rope(Stream& s, Tensor& x, const Tensor& positions, const Tensor& cos,
                       const Tensor& sin, const RopeApplyParams& rp) {
  const char* op = "rope";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_rope(x, positions, cos, sin, rp);
  RopeParams p{};
  p.x = out_f32(x, op, "x");
  p.pos = in_i32(positions, op, "positions");
  p.cos = in_f32(cos, op, "cos");
  p.sin = in_f32(sin, op, "sin");
  require(x.rank() == 3 && x.dim(2) == rp.head_dim, op, "x must be [T, heads, head_dim]");
  require(rp.rot_dim > 0 && rp.rot_dim % 2 == 0 && rp.rot_offset >= 0 &&
              rp.rot_offset + rp.rot_dim <= rp.head_dim,
          op, "rotated span outside the head");
  p.T = x.dim(0);
  p.H = x.dim(1);
  p.half = rp.rot_dim / 2;
  check_shape(positions, {p.T}, op, "positions");
  require(cos.rank() == 2 && cos.dim(1) == p.half && cos.shape() == sin.shape(), op,
          "cos/sin must both be [positions, rot_dim / 2]");
  p.P = cos.dim(0);
  p.head_dim = rp.head_dim;
  p.rot_offset = rp.rot_offset;
  p.interleaved = rp.interleaved;
  p.err = be.device_errors();
  launch(be, rope_kernel, dim3(elementwise_grid(p.T * p.H * p.half, be.sm_count())), dim3(256), 0,
         p);
}

}  // namespace archscope::cuda
