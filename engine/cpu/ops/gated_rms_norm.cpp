// Qwen3-Next's gated RMSNorm on the linear-attention output: w * (x / rms(x)) * silu(z), per value
// head (width = head_v_dim). The weight is used as is (initialised to ones, not 1 + w).
#include <cmath>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/simd/kernels.hpp"

namespace archscope::cpu {

void CpuBackend::gated_rms_norm(Stream& s, const Tensor& x, const Tensor& z, const Tensor& weight,
                                float eps, int64_t width, Tensor& out) {
  const char* op = "gated_rms_norm";
  check_stream(*this, s, op);
  const int64_t rows = contract::check_gated_rms_norm(x, z, weight, width, out);
  check_cpu(x, op, "x");
  check_cpu(z, op, "z");
  check_cpu(weight, op, "weight");
  check_cpu(out, op, "out");
  const float* xp = host<const float>(x);
  const float* zp = host<const float>(z);
  float* yp = host<float>(out);
  const void* wp = raw(weight);
  const Elem we = weight.elem();
  pool_.parallel_for(rows, std::max<int64_t>(1, 4096 / width), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = xp + r * width;
      const float* zr = zp + r * width;
      float* yr = yp + r * width;
      const float inv = 1.0f / std::sqrt(sum_squares(xr, static_cast<size_t>(width)) / static_cast<float>(width) + eps);
      for (int64_t i = 0; i < width; ++i) {
        const float silu = zr[i] / (1.0f + std::exp(-zr[i]));
        yr[i] = load_float(wp, we, i) * (xr[i] * inv) * silu;
      }
    }
  });
}

}  // namespace archscope::cpu
