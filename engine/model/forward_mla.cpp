// Multi-head latent attention (DeepSeek-V3). The cache row of a token is [normed latent (L) |
// rotated shared key (rope)]; the pools' k and v are the same tensor.
//  - Prefill of a fresh sequence, naive form: kv_b_proj expands the latents to per-head keys
//    (nope part) and values; attention over [nope | rope] keys in a temporary contiguous block.
//  - Otherwise (decode, or a prefill continuing a cached sequence), absorbed form: per head
//    q_lat = W_uk^T q_nope, attention over the cached rows with q = [q_lat | q_rope] (scores
//    q_lat . latent + q_rope . k_rope), values = the cached rows, then out = W_uv o_lat (W_uv
//    zero-padded over the rope columns).
// Per-head pieces are contiguous per token, so the per-head matmuls run on row views.
#include <cmath>

#include "model/step.hpp"
#include "rope/rope_tables.hpp"

namespace archscope::model_detail {

namespace {

// DeepSeek folds YaRN's mscale(factor, mscale_all_dim)^2 into the softmax scale.
float mla_scale(const ModelConfig& c, const LayerSpec& spec) {
  const MlaConfig& m = c.attention.mla;
  if (c.attention.scale != 0.0) return static_cast<float>(c.attention.scale);
  double scale = 1.0 / std::sqrt(static_cast<double>(m.qk_nope_head_dim + m.qk_rope_head_dim));
  if (spec.rope && spec.rope->scaling.kind == RopeScalingKind::Yarn && spec.rope->scaling.mscale_all_dim != 0.0) {
    const double ms = yarn_get_mscale(spec.rope->scaling.factor, spec.rope->scaling.mscale_all_dim);
    scale *= ms * ms;
  }
  return static_cast<float>(scale);
}

}  // namespace

Tensor mla_block(Step& st, const LayerSpec& spec, const AttentionWeights& w, const Tensor& x, const RopeTensors* rope) {
  const ModelConfig& c = st.c;
  const MlaConfig& m = c.attention.mla;
  const int64_t li = spec.index, T = st.rows, h = c.attention.heads;
  const int64_t nope = m.qk_nope_head_dim, pe = m.qk_rope_head_dim, vdim = m.v_head_dim, L = m.kv_lora_rank;
  const int64_t qk = nope + pe, row = L + pe;
  NormParams np;
  np.op = NormOp::Rms;
  // The latent norms use the RMSNorm default eps 1e-6, not rms_norm_eps (DeepSeek's reference
  // code and transformers both construct them without an eps).
  np.eps = 1e-6f;

  Tensor q = st.alloc({T, h * qk});
  if (m.q_lora_rank > 0) {
    Tensor qa = st.alloc({T, m.q_lora_rank});
    {
      OpScope op(st, li, "q_a_proj");
      st.be.linear(st.s, x, w.q_a, Tensor(), qa);
    }
    {
      OpScope op(st, li, "q_a_norm");
      np.width = m.q_lora_rank;
      st.be.norm(st.s, qa, w.q_a_norm, Tensor(), qa, np);
    }
    OpScope op(st, li, "q_b_proj");
    st.be.linear(st.s, qa, w.q_b, Tensor(), q);
  } else {
    OpScope op(st, li, "q_proj");
    st.be.linear(st.s, x, w.q_b, Tensor(), q);
  }
  Tensor lat = st.alloc({T, L}), kr = st.alloc({T, 1, pe});
  {
    OpScope op(st, li, "kv_a_proj");
    st.be.linear(st.s, x, w.kv_a_latent, Tensor(), lat);
    Tensor kr2 = kr.reshape({T, pe});
    st.be.linear(st.s, x, w.kv_a_rope, Tensor(), kr2);
  }
  {
    OpScope op(st, li, "kv_a_norm");
    np.width = L;
    st.be.norm(st.s, lat, w.kv_a_norm, Tensor(), lat, np);
  }
  Tensor q3 = q.reshape({T, h, qk});
  if (rope) {
    OpScope op(st, li, "rope");
    RopeApplyParams p;
    p.head_dim = qk;
    p.rot_offset = nope;
    p.rot_dim = rope->cos.dim(1) * 2;
    p.interleaved = spec.rope->interleaved;
    st.be.rope(st.s, q3, st.positions, rope->cos, rope->sin, p);
    p.head_dim = pe;
    p.rot_offset = 0;
    st.be.rope(st.s, kr, st.positions, rope->cos, rope->sin, p);
  }
  Tensor cache_rows = st.alloc({T, 1, row});
  {
    OpScope op(st, li, "kv_cache_write");
    for (int64_t t = 0; t < T; ++t) {
      Tensor dl = view(cache_rows, t * row, {1, L}), dr = view(cache_rows, t * row + L, {1, pe});
      copy(st, lat.slice_rows(t, 1), dl);
      copy(st, view(kr, t * pe, {1, pe}), dr);
    }
    for (const SeqRows& r : st.seqs) {
      const Tensor rows = cache_rows.slice_rows(r.row, r.count);
      st.be.kv_store(st.s, rows, rows, st.positions.slice_rows(r.row, r.count), st.cache.blocks(r.seq, li, r.start + r.count));
    }
  }
  AttentionParams ap = attention_params(c, spec);
  ap.scale = mla_scale(c, spec);
  Tensor o = st.alloc({T, h, vdim});
  bool any_naive = false;
  for (const SeqRows& r : st.seqs) any_naive = any_naive || r.start == 0;
  if (any_naive) {
    // Naive form for fresh sequences: per-head keys [k_nope | k_rope] and values from kv_b_proj.
    Tensor kn = st.alloc({T, h, nope}), vv = st.alloc({T, h, vdim}), K = st.alloc({T, h, qk});
    {
      OpScope op(st, li, "kv_b_proj");
      Tensor kn2 = kn.reshape({T, h * nope}), vv2 = vv.reshape({T, h * vdim});
      st.be.linear(st.s, lat, w.kv_b_k, Tensor(), kn2);
      st.be.linear(st.s, lat, w.kv_b_v, Tensor(), vv2);
      for (const SeqRows& r : st.seqs) {
        if (r.start != 0) continue;
        for (int64_t t = r.row; t < r.row + r.count; ++t)
          for (int64_t i = 0; i < h; ++i) {
            Tensor dn = view(K, (t * h + i) * qk, {1, nope}), dr = view(K, (t * h + i) * qk + nope, {1, pe});
            copy(st, view(kn, (t * h + i) * nope, {1, nope}), dn);
            copy(st, view(kr, t * pe, {1, pe}), dr);
          }
      }
    }
    OpScope op(st, li, "attn_scores", "attn_values");
    for (const SeqRows& r : st.seqs) {
      if (r.start != 0) continue;
      Tensor table = st.be.alloc(Elem::I32, {1});
      const int32_t zero = 0;
      st.be.upload(st.s, &zero, table);
      st.be.synchronize(st.s);
      KvBlocks kv;
      kv.k = K.slice_rows(r.row, r.count).reshape({1, r.count, h, qk});
      kv.v = vv.slice_rows(r.row, r.count).reshape({1, r.count, h, vdim});
      kv.block_table = table;
      kv.block_size = r.count;
      kv.length = r.count;
      Tensor out = o.slice_rows(r.row, r.count);
      st.be.attention(st.s, q3.slice_rows(r.row, r.count), st.positions.slice_rows(r.row, r.count), kv, Tensor(), out, ap);
    }
  }
  bool any_absorbed = false;
  for (const SeqRows& r : st.seqs) any_absorbed = any_absorbed || r.start != 0;
  if (any_absorbed) {
    Tensor ql = st.alloc({T, h, row}), ol = st.alloc({T, h, row});
    {
      OpScope op(st, li, "q_absorb");
      for (const SeqRows& r : st.seqs) {
        if (r.start == 0) continue;
        for (int64_t t = r.row; t < r.row + r.count; ++t)
          for (int64_t i = 0; i < h; ++i) {
            Tensor dl = view(ql, (t * h + i) * row, {1, L}), dr = view(ql, (t * h + i) * row + L, {1, pe});
            st.be.linear(st.s, view(q, (t * h + i) * qk, {1, nope}), w.absorb_q[static_cast<size_t>(i)], Tensor(), dl);
            copy(st, view(q, (t * h + i) * qk + nope, {1, pe}), dr);
          }
      }
    }
    {
      OpScope op(st, li, "attn_scores", "attn_values");
      for (const SeqRows& r : st.seqs) {
        if (r.start == 0) continue;
        Tensor out = ol.slice_rows(r.row, r.count);
        st.be.attention(st.s, ql.slice_rows(r.row, r.count), st.positions.slice_rows(r.row, r.count),
                        st.cache.blocks(r.seq, li, r.start + r.count), Tensor(), out, ap);
      }
    }
    OpScope op(st, li, "out_absorb");
    for (const SeqRows& r : st.seqs) {
      if (r.start == 0) continue;
      for (int64_t t = r.row; t < r.row + r.count; ++t)
        for (int64_t i = 0; i < h; ++i) {
          Tensor dst = view(o, (t * h + i) * vdim, {1, vdim});
          st.be.linear(st.s, view(ol, (t * h + i) * row, {1, row}), w.absorb_out[static_cast<size_t>(i)], Tensor(), dst);
        }
    }
  }
  Tensor y = st.alloc({T, c.d_model});
  {
    OpScope op(st, li, "o_proj");
    st.be.linear(st.s, o.reshape({T, h * vdim}), w.o, w.o_bias, y);
  }
  return y;
}

}  // namespace archscope::model_detail
