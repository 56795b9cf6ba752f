// out = x * sigmoid(gate): Qwen3-Next's attention output gate (gate per element) and its shared
// expert gate (one gate logit per token, broadcast over the row).
#include "cpu/activation_math.hpp"
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::sigmoid_gate(Stream& s, const Tensor& x, const Tensor& gate, Tensor& out) {
  const char* op = "sigmoid_gate";
  check_stream(*this, s, op);
  contract::check_sigmoid_gate(x, gate, out);
  check_cpu(x, op, "x");
  check_cpu(gate, op, "gate");
  check_cpu(out, op, "out");
  const float* xp = host<const float>(x);
  const float* gp = host<const float>(gate);
  float* yp = host<float>(out);
  const int64_t W = x.dim(1);
  const bool per_row = gate.dim(1) == 1 && W != 1;
  pool_.parallel_for(x.numel(), 1 << 13, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) yp[i] = xp[i] * sigmoid(per_row ? gp[i / W] : gp[i]);
  });
}

}  // namespace archscope::cpu
