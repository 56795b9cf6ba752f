// Depthwise causal conv1d with carried state (Qwen3-Next's short conv over q/k/v), as
// transformers' torch_causal_conv1d_update: the input is the state (previous K-1 inputs) followed
// by the new tokens; out[t, c] = sum_i w[c, i] * in[t + i, c] (+ bias), SiLU after; the state
// keeps the last K-1 inputs. A fresh sequence starts from a zero state (F.conv1d's left padding).
#include <vector>

#include "cpu/activation_math.hpp"
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::conv1d_causal(Stream& s, const Tensor& x, const Tensor& weight, const Tensor& bias,
                               Tensor& state, bool silu_after, Tensor& out) {
  const char* op = "conv1d_causal";
  check_stream(*this, s, op);
  const contract::ConvDims d = contract::check_conv1d_causal(x, weight, bias, state, out);
  check_cpu(x, op, "x");
  check_cpu(weight, op, "weight");
  check_cpu_optional(bias, op, "bias");
  check_cpu(state, op, "state");
  check_cpu(out, op, "out");
  const int64_t T = d.tokens, C = d.channels, K = d.taps;
  const float* xp = host<const float>(x);
  float* sp = host<float>(state);
  float* yp = host<float>(out);
  const float* bp = host_or_null<const float>(bias);
  const void* wp = raw(weight);
  const Elem we = weight.elem();
  pool_.parallel_for(C, 64, [&](int64_t c0, int64_t c1) {
    std::vector<float> in(static_cast<size_t>(K - 1 + T));
    for (int64_t c = c0; c < c1; ++c) {
      float* st = sp + c * (K - 1);
      for (int64_t i = 0; i < K - 1; ++i) in[i] = st[i];
      for (int64_t t = 0; t < T; ++t) in[K - 1 + t] = xp[t * C + c];
      for (int64_t t = 0; t < T; ++t) {
        float acc = bp ? bp[c] : 0.0f;
        for (int64_t i = 0; i < K; ++i) acc += load_float(wp, we, c * K + i) * in[t + i];
        yp[t * C + c] = silu_after ? silu(acc) : acc;
      }
      for (int64_t i = 0; i < K - 1; ++i) st[i] = in[T + i];
    }
  });
}

}  // namespace archscope::cpu
