// References of the recurrent ops of Qwen3-Next. conv1d_causal: a dot of K taps plus the bias
// per output, SiLU after. gated_delta: a literal transcription of transformers'
// torch_recurrent_gated_delta_rule (use_qk_l2norm_in_kernel) in Tracked arithmetic, so the
// bound follows the state through every token: the errors of S carry into the next token's
// S^T k and output through the same formulas (first order), nothing is assumed about them.
#include <cmath>

#include "reference.hpp"

namespace archscope::test {

Expected ref_conv1d_causal(const Floats& x, const Floats& w, const Floats& b, const Floats& state,
                           int64_t T, int64_t C, int64_t K, bool silu_after, Floats& state_after) {
  std::vector<Tracked> out(static_cast<size_t>(T * C));
  state_after.assign(static_cast<size_t>(C * (K - 1)), 0.0f);
  for (int64_t c = 0; c < C; ++c) {
    Floats in;  // the previous K-1 inputs, then the new tokens
    for (int64_t i = 0; i < K - 1; ++i) in.push_back(state[c * (K - 1) + i]);
    for (int64_t t = 0; t < T; ++t) in.push_back(x[t * C + c]);
    std::vector<Tracked> wc(static_cast<size_t>(K));
    for (int64_t i = 0; i < K; ++i) wc[i] = stored(w[c * K + i]);
    for (int64_t t = 0; t < T; ++t) {
      std::vector<Tracked> window(static_cast<size_t>(K));
      for (int64_t i = 0; i < K; ++i) window[i] = stored(in[t + i]);
      Tracked acc = b.empty() ? dot(wc, window) : dot(wc, window, stored(b[c]));
      out[static_cast<size_t>(t * C + c)] = silu_after ? silu(acc) : acc;
    }
    for (int64_t i = 0; i < K - 1; ++i) state_after[c * (K - 1) + i] = in[T + i];
  }
  return expected_from(out);
}

Expected ref_gated_delta(const DeltaCase& c, const Floats& q, const Floats& k, const Floats& v,
                         const Floats& a, const Floats& b, const Floats& a_log,
                         const Floats& dt_bias, const Floats& state, Expected& state_after) {
  const int64_t dk = c.dk, dv = c.dv;
  std::vector<Tracked> S(state.size()), out(static_cast<size_t>(c.T * c.Hv * dv));
  for (size_t i = 0; i < state.size(); ++i) S[i] = stored(state[i]);
  const Tracked one = stored(1.0), eps = fp32_literal(1e-6);
  const Tracked qscale = one / sqrt(stored(static_cast<double>(dk)));
  auto row = [](const Floats& src, int64_t at, int64_t n) {
    std::vector<Tracked> r(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) r[i] = stored(src[at + i]);
    return r;
  };
  for (int64_t t = 0; t < c.T; ++t)
    for (int64_t h = 0; h < c.Hv; ++h) {
      const int64_t kh = h / (c.Hv / c.Hk);
      const auto qr = row(q, (t * c.Hk + kh) * dk, dk), kr = row(k, (t * c.Hk + kh) * dk, dk);
      const Tracked qi = one / sqrt(dot(qr, qr) + eps), ki = one / sqrt(dot(kr, kr) + eps);
      std::vector<Tracked> qn(static_cast<size_t>(dk)), kn(static_cast<size_t>(dk));
      for (int64_t i = 0; i < dk; ++i) {
        qn[i] = qr[i] * qi * qscale;
        kn[i] = kr[i] * ki;
      }
      // g = -exp(A_log) * softplus(a + dt_bias) (softplus: beta 1, threshold 20), beta = sigmoid(b)
      const Tracked xs = stored(a[t * c.Hv + h]) + stored(dt_bias[h]);
      const Tracked sp = xs.v > 20.0 ? xs : log1p(exp(xs));
      const Tracked decay = exp(-(exp(stored(a_log[h])) * sp));
      const Tracked beta = sigmoid(stored(b[t * c.Hv + h]));
      Tracked* Sh = S.data() + h * dk * dv;
      for (int64_t i = 0; i < dk * dv; ++i) Sh[i] = Sh[i] * decay;
      for (int64_t j = 0; j < dv; ++j) {
        std::vector<Tracked> col(static_cast<size_t>(dk));
        for (int64_t i = 0; i < dk; ++i) col[i] = Sh[i * dv + j];
        const Tracked delta = beta * (stored(v[(t * c.Hv + h) * dv + j]) - dot(kn, col));
        for (int64_t i = 0; i < dk; ++i) Sh[i * dv + j] = Sh[i * dv + j] + kn[i] * delta;
      }
      for (int64_t j = 0; j < dv; ++j) {
        std::vector<Tracked> col(static_cast<size_t>(dk));
        for (int64_t i = 0; i < dk; ++i) col[i] = Sh[i * dv + j];
        out[static_cast<size_t>((t * c.Hv + h) * dv + j)] = dot(qn, col);
      }
    }
  state_after = expected_from(S);
  return expected_from(out);
}

}  // namespace archscope::test
