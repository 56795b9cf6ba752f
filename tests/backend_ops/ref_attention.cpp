// Attention reference and its bound. Per (token, query head), over the n visible keys j:
//   s_j = scale * (q . k_j)            a dot of Dqk terms: lambda sqrt(Dqk) u sum|q k| (times
//   scale,
//                                      one more rounding), then the soft-cap chain when on;
//   e_j = exp(s_j - m), L = sum e_j (+ exp(sink - m)),  o = sum_j e_j v_j / L.
// Any common shift m cancels in o, so the computed maximum's own error is harmless; what moves
// e_j, relative to its value, is
//   - the score's error e_s (d exp(s) = exp(s) ds),
//   - the rounding of the argument s_j - m: u |s_j - m|. An online softmax subtracts running
//     maxima instead and rescales earlier sums by exp(m_old - m_new); the rounded differences add
//     up to at most u (m - s_j) for key j, so the same term covers them,
//   - exp itself: 2 kFunctionUlps u,
//   - the rescales of an online softmax (and the merges of key splits): each a product of exp's
//     kFunctionUlps and one multiplication, at most one per key, independent roundings bounded
//     like a sum: lambda sqrt(n) (2 kFunctionUlps + 1) u.
// The numerator sum_j e_j v_j and the denominator L are sums of n (n + 1 with a sink) terms:
// Tracked dot / sum add lambda sqrt(n) u sum|e_j v_j| and lambda sqrt(n) u L to the propagated
// errors; the normalisation (1 / L, then a product) adds 2u |o|. With K/V the kernel rounded into
// a bf16/fp16 pool, each k and v element enters with its storage error u_s |x| (fp16: at least
// half its subnormal spacing, 2^-25).
#include <algorithm>
#include <cmath>

#include "reference.hpp"

namespace archscope::test {

namespace {
Tracked kv_input(float x, Elem rounded_into) {
  if (rounded_into == Elem::BF16) return {x, kUBf16 * std::abs(x)};
  if (rounded_into == Elem::F16) return {x, std::max(kUF16 * std::abs(x), kF16HalfSubnormalUlp)};
  return stored(x);
}
}  // namespace

Expected ref_attention(const AttentionCase& c, const Floats& q, const Ints& pos, const Floats& k,
                       const Floats& v, const Floats& sinks, Elem rounded_into) {
  const AttentionParams& p = c.p;
  const Tracked scale =
      p.scale != 0.0f ? stored(p.scale) : stored(1.0) / sqrt(stored(static_cast<double>(c.Dqk)));
  std::vector<Tracked> out(static_cast<size_t>(c.T * c.Hq * c.Dv));
  for (int64_t t = 0; t < c.T; ++t)
    for (int64_t h = 0; h < c.Hq; ++h) {
      const int64_t kvh = h / (c.Hq / c.Hkv);
      std::vector<Tracked> qr(static_cast<size_t>(c.Dqk));
      for (int64_t i = 0; i < c.Dqk; ++i) qr[i] = stored(q[(t * c.Hq + h) * c.Dqk + i]);
      std::vector<Tracked> score;
      std::vector<int64_t> keys;
      for (int64_t j = 0; j <= pos[t]; ++j) {
        if (p.mask == AttentionMask::Sliding && pos[t] - j >= p.window) continue;
        if (p.mask == AttentionMask::Chunked && j / p.window != pos[t] / p.window) continue;
        std::vector<Tracked> kr(static_cast<size_t>(c.Dqk));
        for (int64_t i = 0; i < c.Dqk; ++i)
          kr[i] = kv_input(k[(j * c.Hkv + kvh) * c.Dqk + i], rounded_into);
        Tracked s = dot(qr, kr) * scale;
        if (p.softcap > 0.0f) s = stored(p.softcap) * tanh(s / stored(p.softcap));
        score.push_back(s);
        keys.push_back(j);
      }
      const bool sink = !sinks.empty();
      double m = sink ? static_cast<double>(sinks[h]) : -INFINITY;
      for (const Tracked& s : score) m = std::max(m, s.v);
      const size_t n = score.size() + (sink ? 1 : 0);
      const double rescales = sum_bound_factor(n) * (2.0 * kFunctionUlps + 1.0);
      auto weight = [&](Tracked s) {  // exp(s - m) with the argument rounding and the rescales
        Tracked e = exp(Tracked{s.v - m, s.e + kU * std::abs(s.v - m)});
        e.e += rescales * e.v;
        return e;
      };
      std::vector<Tracked> w;
      for (const Tracked& s : score) w.push_back(weight(s));
      std::vector<Tracked> den_terms = w;
      if (sink) den_terms.push_back(weight(stored(sinks[h])));
      const Tracked den = sum(den_terms);
      for (int64_t d = 0; d < c.Dv; ++d) {
        std::vector<Tracked> vc(keys.size());
        for (size_t i = 0; i < keys.size(); ++i)
          vc[i] = kv_input(v[(keys[i] * c.Hkv + kvh) * c.Dv + d], rounded_into);
        Tracked o = dot(w, vc) / den;
        o.e += kU * std::abs(o.v);
        out[static_cast<size_t>((t * c.Hq + h) * c.Dv + d)] = o;
      }
    }
  return expected_from(out);
}

}  // namespace archscope::test
