// The gate|up projection and the GLU as one op: out[T, F] = glu(x . w^T + bias) with w [2F, K]
// (gate rows then up rows, or interleaved pairs: GluParams::layout), the same result as linear()
// into [T, 2F] then glu(). Decode rows (T <= 8) of fp32/bf16/fp16 weights go through
// gemm/gemv_glu.cu: the same per-row sums as the GEMV (bit-identical to linear then glu where
// the GEMV splits a row over as many warps, K <= 8192 for bf16), and the GLU in its epilogue, so
// the [T, 2F] intermediate is never written. Anything else (prefill rows, packed weights,
// unaligned tensors, linear=cublas) runs linear() then glu() on a scratch [T, 2F].
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/gemm/gemv_glu.hpp"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

void CudaBackend::linear_glu(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                             Tensor& out, const GluParams& gp) {
  const char* op = "linear_glu";
  CudaBackend& be = cuda_of(*this, s, op);
  const contract::LinearGluDims d = contract::check_linear_glu(x, w, bias, out);
  const float* xp = in_f32(x, op, "x");
  float* yp = out_f32(out, op, "out");
  const float* bp = bias.defined() ? in_f32(bias, op, "bias") : nullptr;
  if (d.tokens == 0 || d.width == 0) return;
  const LinearKernel choice = kernels().linear;
  if (!elem_is_packed(w.elem()) && choice != LinearKernel::Cublas) {
    GemvGluArgs g;
    g.x = xp;
    g.w = dptr(w);
    g.bias = bp;
    g.out = yp;
    g.T = d.tokens;
    g.F = d.width;
    g.K = d.in;
    g.we = felem(w.elem());
    g.glu = gp;
    if (gemv_glu_applies(g)) return launch_gemv_glu(be, g);
  }
  Tensor gate_up = alloc(Elem::F32, {d.tokens, 2 * d.width});
  linear(s, x, w, bias, gate_up);
  glu(s, gate_up, out, gp);
}

}  // namespace archscope::cuda
