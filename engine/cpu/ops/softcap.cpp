// Final logit scale and soft-cap (Gemma 2/3, Grok): cap * tanh(scale * x / cap).
#include <cmath>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::softcap(Stream& s, const Tensor& x, float scale, float cap, Tensor& out) {
  const char* op = "softcap";
  check_stream(*this, s, op);
  contract::check_softcap(x, cap, out);
  check_cpu(x, op, "x");
  check_cpu(out, op, "out");
  const float* xp = host<const float>(x);
  float* yp = host<float>(out);
  pool_.parallel_for(x.numel(), 1 << 13, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i)
      yp[i] = cap > 0.0f ? cap * std::tanh(scale * xp[i] / cap) : scale * xp[i];
  });
}

}  // namespace archscope::cpu
