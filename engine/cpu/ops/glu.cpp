// Gated linear units over a fused gate/up projection. SwiGluClamped is gpt-oss's:
//   gate = min(gate, limit); up = clamp(up, -limit, limit)
//   out = (up + 1) * gate * sigmoid(alpha * gate)
// gpt-oss stores gate/up interleaved (GluLayout::Interleaved); others concatenate halves.
#include <algorithm>

#include "cpu/activation_math.hpp"
#include "cpu/bf16_activation.hpp"
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::glu(Stream& s, const Tensor& gate_up, Tensor& out, const GluParams& p) {
  const char* op = "glu";
  check_stream(*this, s, op);
  const contract::GluDims d = contract::check_glu(gate_up, out);
  check_cpu(gate_up, op, "gate_up");
  check_cpu(out, op, "out");
  if (out.elem() == Elem::BF16) {
    Tensor f = alloc(Elem::F32, out.shape());
    glu(s, gate_up, f, p);
    return round_to_bf16(f, out);
  }
  const int64_t T = d.tokens, F = d.width;
  const float* xp = host<const float>(gate_up);
  float* yp = host<float>(out);
  const bool inter = p.layout == GluLayout::Interleaved;
  pool_.parallel_for(T * F, 1 << 13, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      const int64_t t = i / F, f = i % F;
      const float* row = xp + t * 2 * F;
      float g = inter ? row[2 * f] : row[f];
      float u = inter ? row[2 * f + 1] : row[F + f];
      switch (p.kind) {
        case GluKind::SwiGlu: yp[i] = silu(g) * u; break;
        case GluKind::GeGluTanh: yp[i] = gelu_tanh(g) * u; break;
        case GluKind::GeGluExact: yp[i] = gelu_exact(g) * u; break;
        case GluKind::SwiGluClamped:
          g = std::min(g, p.limit);
          u = std::clamp(u, -p.limit, p.limit);
          yp[i] = (u + 1.0f) * (g * sigmoid(g * p.alpha));
          break;
      }
    }
  });
}

}  // namespace archscope::cpu
