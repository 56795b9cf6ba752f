// The residual add and the norm after it (h += r; out = norm(h)): on the CPU the two ops' own
// loops one after the other, so the result is bit-identical to add then norm.
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::add_norm(Stream& s, Tensor& h, const Tensor& r, const Tensor& weight,
                          const Tensor& bias, Tensor& out, const NormParams& p) {
  const char* op = "add_norm";
  check_stream(*this, s, op);
  contract::check_add_norm(h, r, weight, bias, out, p);
  check_cpu(h, op, "h");
  check_cpu(r, op, "r");
  add(s, h, r, 1.0f, h);
  norm(s, h, weight, bias, out, p);
}

}  // namespace archscope::cpu
