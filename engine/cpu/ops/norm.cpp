// Row norms: RMSNorm (optionally weightless: Llama 4's "L2Norm" is a weightless RMSNorm),
// RMSNorm with (1 + w), LayerNorm with or without bias, and the true L2 norm
// x / sqrt(sum x^2 + eps) of the FLA/Qwen3-Next kernels. Statistics in fp32 (RMS) or float64
// (LayerNorm's mean and variance, which cancel badly in fp32 for rows with a large mean).
#include <cmath>

#include "cpu/bf16_activation.hpp"
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/simd/kernels.hpp"

namespace archscope::cpu {

void CpuBackend::norm(Stream& s, const Tensor& x, const Tensor& weight, const Tensor& bias,
                      Tensor& out, const NormParams& p) {
  const char* op = "norm";
  check_stream(*this, s, op);
  const int64_t rows = contract::check_norm(x, weight, bias, out, p);
  check_cpu(x, op, "x");
  check_cpu_optional(weight, op, "weight");
  check_cpu_optional(bias, op, "bias");
  check_cpu(out, op, "out");
  if (out.elem() == Elem::BF16) {
    Tensor f = alloc(Elem::F32, out.shape());
    norm(s, x, weight, bias, f, p);
    return round_to_bf16(f, out);
  }
  const int64_t W = p.width;
  const float* xp = host<const float>(x);
  float* yp = host<float>(out);
  const void* wp = host_or_null<const void>(weight);
  const void* bp = host_or_null<const void>(bias);
  const Elem we = weight.defined() ? weight.elem() : Elem::F32;
  const Elem be = bias.defined() ? bias.elem() : Elem::F32;
  pool_.parallel_for(rows, std::max<int64_t>(1, 4096 / W), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = xp + r * W;
      float* yr = yp + r * W;
      float mean = 0.0f, inv = 0.0f;
      if (p.op == NormOp::Layer) {
        double sum = 0.0, sq = 0.0;
        for (int64_t i = 0; i < W; ++i) sum += xr[i];
        const double m = sum / static_cast<double>(W);
        for (int64_t i = 0; i < W; ++i) sq += (xr[i] - m) * (xr[i] - m);
        mean = static_cast<float>(m);
        inv = static_cast<float>(1.0 / std::sqrt(sq / static_cast<double>(W) + p.eps));
      } else {
        const float ss = sum_squares(xr, static_cast<size_t>(W));
        const float denom = p.op == NormOp::L2 ? ss : ss / static_cast<float>(W);
        inv = 1.0f / std::sqrt(denom + p.eps);
      }
      for (int64_t i = 0; i < W; ++i) {
        float v = (xr[i] - mean) * inv;
        if (wp) {
          const float w = load_float(wp, we, i);
          v *= p.op == NormOp::RmsPlusOne ? 1.0f + w : w;
        }
        if (bp) v += load_float(bp, be, i);
        yr[i] = v;
      }
    }
  });
}

}  // namespace archscope::cpu
