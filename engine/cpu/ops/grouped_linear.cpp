// Per-expert linear over rows grouped by moe_group: each expert's contiguous rows go through the
// same kernels as linear() (streaming for a few rows, the packed GEMM for many) with that expert's
// [N, K] slice of the stacked weights. On the CPU the offsets are host memory, read directly.
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::grouped_linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                                const Tensor& offsets, Tensor& out) {
  const char* op = "grouped_linear";
  check_stream(*this, s, op);
  in_f32(x, op, "x");
  check_float(w, op, "w");
  require(x.rank() == 2 && w.rank() == 3, op, "x must be [R, K] and w [E, N, K]");
  const int64_t R = x.dim(0), K = x.dim(1), E = w.dim(0), N = w.dim(1);
  require(w.dim(2) == K, op, "w " + shape_string(w.shape()) + " does not match x " + shape_string(x.shape()));
  out_f32(out, op, "out");
  check_shape(out, {R, N}, op, "out");
  if (bias.defined()) {
    in_f32(bias, op, "bias");
    check_shape(bias, {E, N}, op, "bias");
  }
  const int32_t* off = in_i32(offsets, op, "offsets");
  check_shape(offsets, {E + 1}, op, "offsets");
  require(off[0] == 0 && off[E] == R, op,
          "offsets must run from 0 to " + std::to_string(R) + ", run from " + std::to_string(off[0]) + " to " +
              std::to_string(off[E]));
  for (int64_t e = 0; e < E; ++e) require(off[e] <= off[e + 1], op, "offsets decrease at expert " + std::to_string(e));
  for (int64_t e = 0; e < E; ++e) {
    const int64_t r0 = off[e], n = off[e + 1] - off[e];
    if (n == 0) continue;
    Tensor ye = out.slice_rows(r0, n);
    linear(s, x.slice_rows(r0, n), w.slice_rows(e, 1).reshape({N, K}),
           bias.defined() ? bias.slice_rows(e, 1).reshape({N}) : Tensor(), ye);
  }
}

}  // namespace archscope::cpu
