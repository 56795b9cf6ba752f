// out = a + scale * b: residual adds (scale 1) and scaled adds (MoE expert outputs by weight).
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::add(Stream& s, const Tensor& a, const Tensor& b, float scale, Tensor& out) {
  const char* op = "add";
  check_stream(*this, s, op);
  const float* ap = in_f32(a, op, "a");
  const float* bp = in_f32(b, op, "b");
  float* yp = out_f32(out, op, "out");
  require(a.numel() == b.numel() && a.numel() == out.numel(), op,
          "sizes differ: " + shape_string(a.shape()) + ", " + shape_string(b.shape()) + ", " + shape_string(out.shape()));
  // Elementwise, so aliasing out with a or b is safe.
  pool_.parallel_for(a.numel(), 1 << 14, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) yp[i] = ap[i] + scale * bp[i];
  });
}

}  // namespace archscope::cpu
