// Softmax attention (full / sliding / chunked): projections, qk-norm, RoPE, Llama 4 temperature
// tuning on NoPE layers, cache write, fused attention per sequence through the paged cache,
// Qwen3-Next output gate, output projection.
#include <cmath>

#include "model/step.hpp"

namespace archscope::model_detail {

AttentionParams attention_params(const ModelConfig& c, const LayerSpec& spec) {
  AttentionParams p;
  p.mask = spec.attention == AttentionKind::Sliding   ? AttentionMask::Sliding
           : spec.attention == AttentionKind::Chunked ? AttentionMask::Chunked
                                                      : AttentionMask::Causal;
  p.window = spec.window;
  p.scale = static_cast<float>(c.attention.scale);
  p.softcap = static_cast<float>(c.attention.softcap);
  return p;
}

Tensor attention_block(Step& st, const LayerSpec& spec, const AttentionWeights& w, const Tensor& x,
                       const RopeTensors* rope) {
  const AttentionConfig& a = st.c.attention;
  const int64_t li = spec.index, T = st.rows, h = a.heads, hk = a.kv_heads, hd = a.head_dim;
  Tensor q = st.alloc({T, h * hd}), k = st.alloc({T, hk * hd}), v = st.alloc({T, hk * hd}), gate;
  {
    OpScope op(st, li, "q_proj");
    st.be.linear(st.s, x, w.q, w.q_bias, q);
    if (a.output_gate) {
      gate = st.alloc({T, h * hd});
      st.be.linear(st.s, x, w.q_gate, Tensor(), gate);
    }
  }
  {
    OpScope op(st, li, "k_proj");
    st.be.linear(st.s, x, w.k, w.k_bias, k);
  }
  {
    OpScope op(st, li, "v_proj");
    st.be.linear(st.s, x, w.v, w.v_bias, v);
  }
  if (spec.qk_norm && a.qk_norm != QkNormKind::None) {
    NormParams p;
    p.eps = static_cast<float>(st.c.norm.eps);
    // Llama 4's "L2" qk-norm is a weightless RMSNorm (x * rsqrt(mean(x^2) + eps)) per head.
    p.op = a.qk_norm == QkNormKind::L2 ? NormOp::Rms : norm_op(st.c.norm.kind);
    if (p.op == NormOp::Layer) p.op = NormOp::Rms;
    const bool whole = a.qk_norm == QkNormKind::Projection;
    {
      OpScope op(st, li, "q_norm");
      p.width = whole ? h * hd : hd;
      st.be.norm(st.s, q, w.q_norm, Tensor(), q, p);
    }
    {
      OpScope op(st, li, "k_norm");
      p.width = whole ? hk * hd : hd;
      st.be.norm(st.s, k, w.k_norm, Tensor(), k, p);
    }
  }
  Tensor q3 = q.reshape({T, h, hd}), k3 = k.reshape({T, hk, hd}), v3 = v.reshape({T, hk, hd});
  if (rope) {
    OpScope op(st, li, "rope");
    RopeApplyParams p;
    p.head_dim = hd;
    p.rot_dim = rope->cos.dim(1) * 2;
    p.interleaved = spec.rope->interleaved;
    st.be.rope(st.s, q3, st.positions, rope->cos, rope->sin, p);
    st.be.rope(st.s, k3, st.positions, rope->cos, rope->sin, p);
  }
  {
    OpScope op(st, li, "kv_cache_write");
    for (const SeqRows& r : st.seqs)
      st.be.kv_store(st.s, k3.slice_rows(r.row, r.count), v3.slice_rows(r.row, r.count),
                     st.positions.slice_rows(r.row, r.count), st.cache.blocks(r.seq, li, r.start + r.count));
  }
  Tensor o = st.alloc({T, h * hd});
  {
    OpScope op(st, li, "attn_scores", "attn_values");
    const TemperatureTuning& tt = a.temperature_tuning;
    if (tt.enabled && spec.position == PositionKind::NoPe) {
      // Llama 4: q *= log1p(floor((pos + 1) / floor_scale)) * attn_scale + 1 on NoPE layers.
      for (int64_t t = 0; t < T; ++t) {
        const double pos = st.host_positions[static_cast<size_t>(t)];
        const double scale = std::log1p(std::floor((pos + 1.0) / tt.floor_scale)) * tt.attn_scale + 1.0;
        if (scale == 1.0) continue;
        Tensor row = q.slice_rows(t, 1);
        st.be.scale(st.s, row, static_cast<float>(scale), Tensor(), row);
      }
    }
    const AttentionParams p = attention_params(st.c, spec);
    Tensor o3 = o.reshape({T, h, hd});
    for (const SeqRows& r : st.seqs) {
      Tensor out = o3.slice_rows(r.row, r.count);
      st.be.attention(st.s, q3.slice_rows(r.row, r.count), st.positions.slice_rows(r.row, r.count),
                      st.cache.blocks(r.seq, li, r.start + r.count), w.sinks, out, p);
    }
  }
  if (a.output_gate) {
    OpScope op(st, li, "attn_gate");
    st.be.sigmoid_gate(st.s, o, gate, o);
  }
  Tensor y = st.alloc({T, st.c.d_model});
  {
    OpScope op(st, li, "o_proj");
    st.be.linear(st.s, o, w.o, w.o_bias, y);
  }
  return y;
}

}  // namespace archscope::model_detail
