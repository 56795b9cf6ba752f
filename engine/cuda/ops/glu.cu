// Gated linear units over a fused gate/up projection [T, 2F] -> [T, F]. SwiGluClamped is
// gpt-oss's: gate = min(gate, limit); up = clamp(up, -limit, limit);
// out = (up + 1) * gate * sigmoid(alpha * gate). gpt-oss interleaves gate/up columns.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/activation_math.cuh"
#include "cuda/kernels/activation_out.cuh"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/elementwise.cuh"
#include "cuda/kernels/glu_rows.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {
struct GluKernelParams {
  const float* x;
  void* out;  // Y
  int64_t T, F;
  int kind, interleaved;
  float limit, alpha;
};

// Y: float, or __nv_bfloat16 for a bf16 out (the down projection's tensor-core GEMM input).
template <class Y>
__global__ void glu_kernel(GluKernelParams p) {
  kernel_prologue();
  const int64_t n = p.T * p.F, stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += stride) {
    const int64_t t = i / p.F, f = i % p.F;
    const float* row = p.x + t * 2 * p.F;
    float g = p.interleaved ? row[2 * f] : row[f];
    float u = p.interleaved ? row[2 * f + 1] : row[p.F + f];
    float y;
    switch (static_cast<GluKind>(p.kind)) {
      case GluKind::GeGluTanh:
        y = gelu_tanh(g) * u;
        break;
      case GluKind::GeGluExact:
        y = gelu_exact(g) * u;
        break;
      case GluKind::SwiGluClamped:
        g = fminf(g, p.limit);
        u = fminf(fmaxf(u, -p.limit), p.limit);
        y = (u + 1.0f) * (g * sigmoid(g * p.alpha));
        break;
      default:
        y = silu(g) * u;
        break;
    }
    static_cast<Y*>(p.out)[i] = activation_out<Y>(y);
  }
}
}  // namespace

void CudaBackend::glu(Stream& s, const Tensor& gate_up, Tensor& out, const GluParams& gp) {
  const char* op = "glu";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_glu(gate_up, out);
  GluKernelParams p{};
  p.x = in_f32(gate_up, op, "gate_up");
  const bool bf16_out = out.elem() == Elem::BF16;
  if (bf16_out)
    check_owned(out, op, "out");
  else
    out_f32(out, op, "out");
  p.out = dptr(out);
  require(gate_up.rank() == 2 && gate_up.dim(1) % 2 == 0, op, "gate_up must be [T, 2F]");
  p.T = gate_up.dim(0);
  p.F = gate_up.dim(1) / 2;
  check_shape(out, {p.T, p.F}, op, "out");
  check_no_overlap(out, gate_up, op, "out must not overlap gate_up");
  p.kind = static_cast<int>(gp.kind);
  p.interleaved = gp.layout == GluLayout::Interleaved;
  p.limit = gp.limit;
  p.alpha = gp.alpha;
  // Prefill rows: the 2-D kernel (kernels/glu_rows.cuh); the rest here.
  const GluRowsParams rows{p.x, p.out, p.T, p.F, p.kind, p.limit, p.alpha};
  const dim3 grid(elementwise_grid(p.T * p.F, be.sm_count()));
  if (bf16_out) {
    if (!glu_rows<__nv_bfloat16>(be, rows, p.interleaved != 0))
      launch(be, glu_kernel<__nv_bfloat16>, grid, dim3(256), 0, p);
    return;
  }
  if (!glu_rows<float>(be, rows, p.interleaved != 0))
    launch(be, glu_kernel<float>, grid, dim3(256), 0, p);
}

}  // namespace archscope::cuda
