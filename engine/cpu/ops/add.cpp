// out = a + scale * b: residual adds (scale 1) and scaled adds (MoE expert outputs by weight).
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::add(Stream& s, const Tensor& a, const Tensor& b, float scale, Tensor& out) {
  const char* op = "add";
  check_stream(*this, s, op);
  contract::check_add(a, b, out);
  check_cpu(a, op, "a");
  check_cpu(b, op, "b");
  check_cpu(out, op, "out");
  const float* ap = host<const float>(a);
  const float* bp = host<const float>(b);
  float* yp = host<float>(out);
  // Elementwise, so aliasing out with a or b is safe.
  pool_.parallel_for(a.numel(), 1 << 14, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) yp[i] = ap[i] + scale * bp[i];
  });
}

}  // namespace archscope::cpu
