// Gated DeltaNet linear attention (Qwen3-Next): projections (split per part at load time), the
// depthwise causal conv with SiLU per part and sequence (carried conv state), the gated delta
// recurrence per sequence (carried recurrent state), the gated RMSNorm and the output projection.
#include "model/step.hpp"

namespace archscope::model_detail {

Tensor linear_attention_block(Step& st, const LayerSpec& spec, const AttentionWeights& w, const Tensor& x) {
  const LinearAttentionConfig& l = st.c.attention.linear;
  const int64_t li = spec.index, T = st.rows;
  const int64_t kd = l.key_heads * l.key_head_dim, vd = l.value_heads * l.value_head_dim, hv = l.value_heads;
  Tensor q = st.alloc({T, kd}), k = st.alloc({T, kd}), v = st.alloc({T, vd}), z = st.alloc({T, vd});
  Tensor b = st.alloc({T, hv}), a = st.alloc({T, hv});
  {
    OpScope op(st, li, "in_proj_qkvz");
    st.be.linear(st.s, x, w.lin_q, Tensor(), q);
    st.be.linear(st.s, x, w.lin_k, Tensor(), k);
    st.be.linear(st.s, x, w.lin_v, Tensor(), v);
    st.be.linear(st.s, x, w.lin_z, Tensor(), z);
  }
  {
    OpScope op(st, li, "in_proj_ba");
    st.be.linear(st.s, x, w.lin_b, Tensor(), b);
    st.be.linear(st.s, x, w.lin_a, Tensor(), a);
  }
  Tensor qc = st.alloc({T, kd}), kc = st.alloc({T, kd}), vc = st.alloc({T, vd});
  {
    OpScope op(st, li, "conv1d");
    for (const SeqRows& r : st.seqs) {
      LinearState& s = st.cache.linear_state(r.seq, li);
      Tensor oq = qc.slice_rows(r.row, r.count), ok = kc.slice_rows(r.row, r.count), ov = vc.slice_rows(r.row, r.count);
      st.be.conv1d_causal(st.s, q.slice_rows(r.row, r.count), w.conv_q, Tensor(), s.conv_q, true, oq);
      st.be.conv1d_causal(st.s, k.slice_rows(r.row, r.count), w.conv_k, Tensor(), s.conv_k, true, ok);
      st.be.conv1d_causal(st.s, v.slice_rows(r.row, r.count), w.conv_v, Tensor(), s.conv_v, true, ov);
    }
  }
  Tensor o = st.alloc({T, hv, l.value_head_dim});
  {
    // The decay and beta gates are computed inside the recurrence kernel.
    OpScope op(st, li, "recurrence", "gates");
    Tensor q3 = qc.reshape({T, l.key_heads, l.key_head_dim}), k3 = kc.reshape({T, l.key_heads, l.key_head_dim});
    Tensor v3 = vc.reshape({T, hv, l.value_head_dim});
    for (const SeqRows& r : st.seqs) {
      LinearState& s = st.cache.linear_state(r.seq, li);
      Tensor out = o.slice_rows(r.row, r.count);
      st.be.gated_delta(st.s, q3.slice_rows(r.row, r.count), k3.slice_rows(r.row, r.count), v3.slice_rows(r.row, r.count),
                        a.slice_rows(r.row, r.count), b.slice_rows(r.row, r.count), w.a_log, w.dt_bias, s.recurrent, out);
    }
  }
  {
    OpScope op(st, li, "out_norm");
    st.be.gated_rms_norm(st.s, o, z, w.lin_norm, static_cast<float>(st.c.norm.eps), l.value_head_dim, o);
  }
  Tensor y = st.alloc({T, st.c.d_model});
  {
    OpScope op(st, li, "out_proj");
    st.be.linear(st.s, o.reshape({T, vd}), w.o, Tensor(), y);
  }
  return y;
}

}  // namespace archscope::model_detail
