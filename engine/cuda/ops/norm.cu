// Row norms over rows of p.width (kernels/norm_row.cuh: RMSNorm, RMSNorm with (1 + w),
// LayerNorm, L2). One block per row; each thread writes only elements it read, so out may alias x.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"
#include "cuda/kernels/norm_row.cuh"

namespace archscope::cuda {

namespace {
struct NormKernelParams {
  const float* x;
  void* out;  // Y
  NormRowParams row;
};

// Y: float, or __nv_bfloat16 for a bf16 out (the input of a tensor-core GEMM).
template <class Y>
__global__ void norm_kernel(NormKernelParams p) {
  prefetch_norm_weights(p.row);
  kernel_prologue();
  const float* xr = p.x + static_cast<int64_t>(blockIdx.x) * p.row.width;
  Y* yr = static_cast<Y*>(p.out) + static_cast<int64_t>(blockIdx.x) * p.row.width;
  norm_row(p.row, [&](int64_t i) { return xr[i]; }, [](int64_t, float) {}, yr);
}
}  // namespace

unsigned norm_block(int64_t width) {
  return width >= 2048 ? 512 : width >= 256 ? 256 : static_cast<unsigned>((width + 31) / 32 * 32);
}

void CudaBackend::norm(Stream& s, const Tensor& x, const Tensor& weight, const Tensor& bias,
                       Tensor& out, const NormParams& np) {
  const char* op = "norm";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_norm(x, weight, bias, out, np);
  NormKernelParams p{};
  p.x = in_f32(x, op, "x");
  const bool bf16_out = out.elem() == Elem::BF16;
  if (bf16_out)
    check_owned(out, op, "out");
  else
    out_f32(out, op, "out");
  p.out = dptr(out);
  const int64_t W = np.width;
  require_f(W > 0 && x.numel() % W == 0, op, [&] {
    return "width " + std::to_string(W) + " does not divide " + shape_string(x.shape());
  });
  require(out.numel() == x.numel(), op, "out size differs from x");
  const bool need_w = np.op == NormOp::RmsPlusOne || np.op == NormOp::Layer;
  require(!need_w || weight.defined(), op, "this norm needs a weight");
  require(np.op != NormOp::L2 || !weight.defined(), op, "the L2 norm takes no weight");
  require(np.op == NormOp::Layer || !bias.defined(), op, "only LayerNorm takes a bias");
  if (weight.defined()) {
    check_float(weight, op, "weight");
    require(weight.numel() == W, op, "weight must have width elements");
    p.row.w = dptr(weight);
    p.row.we = felem(weight.elem());
  }
  if (bias.defined()) {
    check_float(bias, op, "bias");
    require(bias.numel() == W, op, "bias must have width elements");
    p.row.b = dptr(bias);
    p.row.be = felem(bias.elem());
  }
  // Rows are disjoint and each element is read and written by one thread, but a partial overlap
  // (out shifted against x) would let one row's writes reach another's reads.
  require(out.buffer() != x.buffer() || out.byte_offset() == x.byte_offset() ||
              out.byte_offset() >= x.byte_offset() + x.bytes() ||
              x.byte_offset() >= out.byte_offset() + out.bytes(),
          op, "out must be x or not overlap it");
  p.row.width = W;
  p.row.eps = np.eps;
  p.row.op = static_cast<int>(np.op);
  const int64_t rows = x.numel() / W;
  const dim3 grid(static_cast<unsigned>(rows)), block(norm_block(W));
  if (bf16_out)
    launch(be, norm_kernel<__nv_bfloat16>, grid, block, 0, p);
  else
    launch(be, norm_kernel<float>, grid, block, 0, p);
}

}  // namespace archscope::cuda
