// The down projection and the residual add as one op: h[T, N] += x[T, K] . w[N, K]^T (+ bias).
// Where linear() would take the GEMV (decode rows, or linear=gemv / gemv-stream) the GEMV adds
// each output to h in its epilogue (gemm/gemv.hpp, GemvArgs::residual): one kernel instead of
// the linear and the add, the same sums and the same one fp32 addition as add(h, y, 1, h).
// Otherwise (prefill rows through cuBLASLt, packed weights) linear() into scratch, then add().
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/gemm/gemv.hpp"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {
constexpr int64_t kGemvMaxRows = 8;  // as linear.cu: the GEMV's rows under linear=auto
}

void CudaBackend::linear_residual(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                                  Tensor& h) {
  const char* op = "linear_residual";
  CudaBackend& be = cuda_of(*this, s, op);
  const contract::LinearDims d = contract::check_linear_residual(x, w, bias, h);
  const float* xp = in_f32(x, op, "x");
  float* hp = out_f32(h, op, "h");
  const float* bp = bias.defined() ? in_f32(bias, op, "bias") : nullptr;
  if (d.tokens == 0 || d.out == 0) return;
  const LinearKernel choice = kernels().linear;
  const bool gemv = choice == LinearKernel::Gemv || choice == LinearKernel::GemvStream ||
                    (choice == LinearKernel::Auto && d.tokens <= kGemvMaxRows) || d.in == 0;
  if (gemv && !elem_is_packed(w.elem())) {
    check_float(w, op, "w");
    GemvArgs g;
    g.x = xp;
    g.w = dptr(w);
    g.bias = bp;
    g.out = hp;
    g.residual = hp;
    g.T = d.tokens;
    g.N = d.out;
    g.K = d.in;
    g.we = felem(w.elem());
    g.stream = choice == LinearKernel::GemvStream;
    return launch_gemv(be, g);
  }
  Tensor y = alloc(Elem::F32, {d.tokens, d.out});
  linear(s, x, w, bias, y);
  add(s, h, y, 1.0f, h);
}

}  // namespace archscope::cuda
