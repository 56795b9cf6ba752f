// The residual add and the norm after it (h += r; out = norm(h)) as one kernel: one block per
// row reads h and r once, writes the sum back to h and the normalised row to out, with the norm's
// own row code (kernels/norm_row.cuh), so the sums and the result equal add then norm. Each
// element of h is read and written by one thread only, in that order.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"
#include "cuda/kernels/norm_row.cuh"

namespace archscope::cuda {

unsigned norm_block(int64_t width);

namespace {
struct AddNormParams {
  float* h;
  const float* r;
  void* out;  // Y
  NormRowParams row;
};

// Y: float, or __nv_bfloat16 for a bf16 out (as ops/norm.cu).
template <class Y>
__global__ void add_norm_kernel(AddNormParams p) {
  prefetch_norm_weights(p.row);
  kernel_prologue();
  const int64_t base = static_cast<int64_t>(blockIdx.x) * p.row.width;
  float* hr = p.h + base;
  const float* rr = p.r + base;
  norm_row(
      p.row, [&](int64_t i) { return hr[i] + 1.0f * rr[i]; },
      [&](int64_t i, float v) { hr[i] = v; }, static_cast<Y*>(p.out) + base);
}
}  // namespace

void CudaBackend::add_norm(Stream& s, Tensor& h, const Tensor& r, const Tensor& weight,
                           const Tensor& bias, Tensor& out, const NormParams& np) {
  const char* op = "add_norm";
  CudaBackend& be = cuda_of(*this, s, op);
  const int64_t rows = contract::check_add_norm(h, r, weight, bias, out, np);
  AddNormParams p{};
  p.h = out_f32(h, op, "h");
  p.r = in_f32(r, op, "r");
  const bool bf16_out = out.elem() == Elem::BF16;
  if (bf16_out)
    check_owned(out, op, "out");
  else
    out_f32(out, op, "out");
  p.out = dptr(out);
  // r may be h itself (h = 2h): each element is still read before its thread writes it.
  if (weight.defined()) {
    check_float(weight, op, "weight");
    p.row.w = dptr(weight);
    p.row.we = felem(weight.elem());
  }
  if (bias.defined()) {
    check_float(bias, op, "bias");
    p.row.b = dptr(bias);
    p.row.be = felem(bias.elem());
  }
  p.row.width = np.width;
  p.row.eps = np.eps;
  p.row.op = static_cast<int>(np.op);
  const dim3 grid(static_cast<unsigned>(rows)), block(norm_block(np.width));
  if (bf16_out)
    launch(be, add_norm_kernel<__nv_bfloat16>, grid, block, 0, p);
  else
    launch(be, add_norm_kernel<float>, grid, block, 0, p);
}

}  // namespace archscope::cuda
