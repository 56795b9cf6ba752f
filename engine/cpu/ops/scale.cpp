// out[r, :] = scale * row_scale[r] * x[r, :]: a whole-tensor scale (Llama 4 attention temperature,
// final logit scale) or a per-row one (router weights applied to an expert's input rows).
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::scale(Stream& s, const Tensor& x, float scale, const Tensor& row_scale, Tensor& out) {
  const char* op = "scale";
  check_stream(*this, s, op);
  contract::check_scale(x, row_scale, out);
  check_cpu(x, op, "x");
  check_cpu_optional(row_scale, op, "row_scale");
  check_cpu(out, op, "out");
  const float* xp = host<const float>(x);
  float* yp = host<float>(out);
  if (!row_scale.defined()) {
    pool_.parallel_for(x.numel(), 1 << 14, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) yp[i] = scale * xp[i];
    });
    return;
  }
  const int64_t R = x.dim(0);
  const int64_t W = R == 0 ? 0 : x.numel() / R;
  const float* rp = host<const float>(row_scale);
  pool_.parallel_for(R, std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(1, W)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float f = scale * rp[r];
      for (int64_t i = r * W; i < (r + 1) * W; ++i) yp[i] = f * xp[i];
    }
  });
}

}  // namespace archscope::cpu
