// The gate|up projection and the GLU as one op (Backend::linear_glu): linear() into [T, 2F],
// then glu(), the very same arithmetic as the two ops called one after the other. On the CPU
// the intermediate costs nothing worth fusing away; the op exists so that both backends run the
// forward pass's fused decode step (the CUDA one fuses the GLU into its GEMV).
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::linear_glu(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                            Tensor& out, const GluParams& p) {
  const char* op = "linear_glu";
  check_stream(*this, s, op);
  const contract::LinearGluDims d = contract::check_linear_glu(x, w, bias, out);
  check_cpu(x, op, "x");
  check_cpu(out, op, "out");
  Tensor gate_up = alloc(Elem::F32, {d.tokens, 2 * d.width});
  linear(s, x, w, bias, gate_up);
  glu(s, gate_up, out, p);
}

}  // namespace archscope::cpu
