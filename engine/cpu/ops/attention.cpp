// Attention of a batch of query tokens of one sequence against its paged K/V.
// Per (token, query head): logits s_j = scale * q.k_j over the visible keys (causal, sliding
// window or same chunk), optional soft-cap, softmax in fp32 with the optional sink logit in the
// denominator (gpt-oss: it takes probability mass but adds no value), then the weighted sum of v.
// Query head h reads kv head h / (Hq / Hkv). qk_dim and v_dim may differ (MLA).
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/kv_blocks.hpp"
#include "cpu/simd/kernels.hpp"

namespace archscope::cpu {

void CpuBackend::attention(Stream& s, const Tensor& q, const Tensor& q_positions, const KvBlocks& kv,
                           const Tensor& sinks, Tensor& out, const AttentionParams& p) {
  const char* op = "attention";
  check_stream(*this, s, op);
  const float* qp = in_f32(q, op, "q");
  const int32_t* pos = in_i32(q_positions, op, "q_positions");
  float* yp = out_f32(out, op, "out");
  require(q.rank() == 3, op, "q must be [T, heads, qk_dim]");
  const int64_t T = q.dim(0), Hq = q.dim(1), Dqk = q.dim(2);
  check_shape(q_positions, {T}, op, "q_positions");
  require(kv.length >= 0, op, "negative kv length");
  const KvLayout l = kv_layout(kv, kv.length, op);
  require(l.qk_dim == Dqk, op, "q head dim differs from the k pool");
  require(l.kv_heads > 0 && Hq % l.kv_heads == 0, op, "kv heads do not divide query heads");
  check_shape(out, {T, Hq, l.v_dim}, op, "out");
  const float* sk = nullptr;
  if (sinks.defined()) {
    sk = in_f32(sinks, op, "sinks");
    check_shape(sinks, {Hq}, op, "sinks");
  }
  require(p.mask == AttentionMask::Causal || p.window > 0, op, "sliding/chunked attention needs window > 0");
  // Every query must see its own key, so its position must already be in the cache.
  for (int64_t t = 0; t < T; ++t)
    require(pos[t] >= 0 && pos[t] < kv.length, op,
            "query position " + std::to_string(pos[t]) + " not in the cache of " + std::to_string(kv.length));
  require(out.buffer() != q.buffer() || out.byte_offset() >= q.byte_offset() + q.bytes() ||
              q.byte_offset() >= out.byte_offset() + out.bytes(),
          op, "out must not overlap q");

  const float scale = p.scale != 0.0f ? p.scale : 1.0f / std::sqrt(static_cast<float>(Dqk));
  const int64_t group = Hq / l.kv_heads, Dv = l.v_dim;
  pool_.parallel_for(T * Hq, 1, [&](int64_t r0, int64_t r1) {
    std::vector<float> logits;
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t t = r / Hq, h = r % Hq, kvh = h / group;
      const int64_t qpos = pos[t];
      int64_t lo = 0;
      if (p.mask == AttentionMask::Sliding) lo = std::max<int64_t>(0, qpos - p.window + 1);
      if (p.mask == AttentionMask::Chunked) lo = qpos / p.window * p.window;
      const int64_t n = qpos - lo + 1;
      logits.resize(static_cast<size_t>(n));
      const float* qr = qp + r * Dqk;
      float m = -std::numeric_limits<float>::infinity();
      for (int64_t j = 0; j < n; ++j) {
        float sc;
        dot_rows(l.k_row(lo + j, kvh), l.k_elem, &qr, 1, static_cast<size_t>(Dqk), &sc);
        sc *= scale;
        if (p.softcap > 0.0f) sc = p.softcap * std::tanh(sc / p.softcap);
        logits[static_cast<size_t>(j)] = sc;
        m = std::max(m, sc);
      }
      if (sk) m = std::max(m, sk[h]);
      float denom = sk ? std::exp(sk[h] - m) : 0.0f;
      float* y = yp + r * Dv;
      std::fill(y, y + Dv, 0.0f);
      for (int64_t j = 0; j < n; ++j) {
        const float e = std::exp(logits[static_cast<size_t>(j)] - m);
        denom += e;
        axpy(e, l.v_row(lo + j, kvh), l.v_elem, y, static_cast<size_t>(Dv));
      }
      const float inv = 1.0f / denom;
      for (int64_t i = 0; i < Dv; ++i) y[i] *= inv;
    }
  });
}

}  // namespace archscope::cpu
