// Gated DeltaNet recurrence (Qwen3-Next linear attention), token by token, matching transformers'
// torch_recurrent_gated_delta_rule with use_qk_l2norm_in_kernel=True. Per value head h and token:
//   q = l2norm(q) / sqrt(dk), k = l2norm(k)        (l2norm: x * rsqrt(sum x^2 + 1e-6))
//   g = -exp(A_log[h]) * softplus(a + dt_bias[h]),  beta = sigmoid(b)
//   S = S * exp(g);  v' = beta * (v - S^T k);  S += k v'^T;  o = S^T q
// with S [dk, dv] in fp32. Value heads are independent, so they are spread over the threads.
#include <cmath>
#include <vector>

#include "cpu/activation_math.hpp"
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/simd/kernels.hpp"

namespace archscope::cpu {

namespace {
// torch.nn.functional.softplus with beta 1, threshold 20.
float softplus(float x) { return x > 20.0f ? x : std::log1p(std::exp(x)); }
}  // namespace

void CpuBackend::gated_delta(Stream& s, const Tensor& q, const Tensor& k, const Tensor& v,
                             const Tensor& a, const Tensor& b, const Tensor& a_log,
                             const Tensor& dt_bias, Tensor& state, Tensor& out) {
  const char* op = "gated_delta";
  check_stream(*this, s, op);
  const contract::DeltaDims d = contract::check_gated_delta(q, k, v, a, b, a_log, dt_bias, state, out);
  check_cpu(q, op, "q");
  check_cpu(k, op, "k");
  check_cpu(v, op, "v");
  check_cpu(a, op, "a");
  check_cpu(b, op, "b");
  check_cpu(a_log, op, "a_log");
  check_cpu(dt_bias, op, "dt_bias");
  check_cpu(state, op, "state");
  check_cpu(out, op, "out");
  const int64_t T = d.tokens, Hk = d.key_heads, dk = d.key_dim, Hv = d.value_heads, dv = d.value_dim;
  const float* qp = host<const float>(q);
  const float* kp = host<const float>(k);
  const float* vp = host<const float>(v);
  const float* ap = host<const float>(a);
  const float* bp = host<const float>(b);
  const float* alp = host<const float>(a_log);
  const float* dtp = host<const float>(dt_bias);
  float* sp = host<float>(state);
  float* yp = host<float>(out);
  const int64_t rep = Hv / Hk;
  const float qscale = 1.0f / std::sqrt(static_cast<float>(dk));

  pool_.parallel_for(Hv, 1, [&](int64_t h0, int64_t h1) {
    std::vector<float> qn(static_cast<size_t>(dk)), kn(static_cast<size_t>(dk)), mem(static_cast<size_t>(dv));
    for (int64_t h = h0; h < h1; ++h) {
      float* S = sp + h * dk * dv;
      const int64_t kh = h / rep;  // repeat_interleave of key heads onto value heads
      for (int64_t t = 0; t < T; ++t) {
        const float* qr = qp + (t * Hk + kh) * dk;
        const float* kr = kp + (t * Hk + kh) * dk;
        const float qi = 1.0f / std::sqrt(sum_squares(qr, static_cast<size_t>(dk)) + 1e-6f);
        const float ki = 1.0f / std::sqrt(sum_squares(kr, static_cast<size_t>(dk)) + 1e-6f);
        for (int64_t i = 0; i < dk; ++i) {
          qn[i] = qr[i] * qi * qscale;
          kn[i] = kr[i] * ki;
        }
        const float g = -std::exp(alp[h]) * softplus(ap[t * Hv + h] + dtp[h]);
        const float decay = std::exp(g), beta = sigmoid(bp[t * Hv + h]);
        // Decay S and read S^T k in one pass over S.
        std::fill(mem.begin(), mem.end(), 0.0f);
        for (int64_t i = 0; i < dk; ++i) {
          float* row = S + i * dv;
          for (int64_t j = 0; j < dv; ++j) row[j] *= decay;
          axpy(kn[i], row, Elem::F32, mem.data(), static_cast<size_t>(dv));
        }
        const float* vr = vp + (t * Hv + h) * dv;
        for (int64_t j = 0; j < dv; ++j) mem[j] = beta * (vr[j] - mem[j]);  // v'
        float* o = yp + (t * Hv + h) * dv;
        std::fill(o, o + dv, 0.0f);
        // Rank-1 update and S^T q in a second pass.
        for (int64_t i = 0; i < dk; ++i) {
          float* row = S + i * dv;
          axpy(kn[i], mem.data(), Elem::F32, row, static_cast<size_t>(dv));
          axpy(qn[i], row, Elem::F32, o, static_cast<size_t>(dv));
        }
      }
    }
  });
}

}  // namespace archscope::cpu
