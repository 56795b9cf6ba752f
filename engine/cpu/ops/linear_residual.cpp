// The down projection and the residual add as one op (Backend::linear_residual): linear() into
// [T, N], then add(h, y, 1, h), the very same arithmetic as the two ops one after the other (the
// CUDA backend adds into h in its GEMV's epilogue instead).
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::linear_residual(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                                 Tensor& h) {
  const char* op = "linear_residual";
  check_stream(*this, s, op);
  const contract::LinearDims d = contract::check_linear_residual(x, w, bias, h);
  check_cpu(x, op, "x");
  check_cpu(h, op, "h");
  Tensor y = alloc(Elem::F32, {d.tokens, d.out});
  linear(s, x, w, bias, y);
  add(s, h, y, 1.0f, h);
}

}  // namespace archscope::cpu
