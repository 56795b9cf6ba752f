// Softmax attention (full / sliding / chunked): projections, qk-norm, RoPE, Llama 4 temperature
// tuning on NoPE layers, cache write, fused attention per sequence through the paged cache,
// Qwen3-Next output gate, output projection. A first step longer than a sliding window or chunk
// attends over its own keys staged at the cache dtype; the pool keeps only what later queries see.
#include <algorithm>
#include <cmath>
#include <vector>

#include "kv/kv_dtype.hpp"
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

namespace {

// A contiguous stand-in for the paged cache of one layer, holding positions [0, tokens) at the
// cache's dtype in one block (the step's single-block table, filled on the device: no upload
// inside a layer), so kv_store rounds the keys exactly as the cache would and attention reads them
// the same way. One per sequence of the step, overwritten by each windowed layer in turn (every
// softmax layer has the same K/V width).
KvBlocks staged_keys(Step& st, size_t seq_index, int64_t tokens) {
  if (st.staged.size() < st.seqs.size()) st.staged.resize(st.seqs.size());
  if (st.staged[seq_index].k.defined()) return st.staged[seq_index];  // the step's earlier layer's
  const AttentionConfig& a = st.c.attention;
  const KvCacheOptions& o = st.cache.options();
  const int64_t rows = std::max<int64_t>(1, tokens);
  KvBlocks& kv = st.staged[seq_index];
  kv.k = st.be.alloc(o.dtype, {1, rows, a.kv_heads, a.head_dim});
  kv.v = st.be.alloc(o.dtype, {1, rows, a.kv_heads, a.head_dim});
  if (kv_quantized(o.dtype)) attach_kv_scales(st.be, kv, 1, 0);  // quantized as the pool would
  kv.block_table = st.single_block_table();
  kv.block_size = rows;
  kv.length = tokens;
  return kv;
}

}  // namespace

Tensor attention_block(Step& st, const LayerSpec& spec, const AttentionWeights& w, const Tensor& x,
                       const RopeTensors* rope) {
  const AttentionConfig& a = st.c.attention;
  const int64_t li = spec.index, T = st.rows, h = a.heads, hk = a.kv_heads, hd = a.head_dim;
  Tensor q, k, v, gate;
  Tensor qk3;  // q and k as one [1, h + hk, hd] tensor where they are adjacent (one rope call)
  if (T == 1 && st.be.fuses_ops()) {
    // One decode row: q | gate | k | v as one linear over the stacked weight (one weight stream,
    // one launch instead of three or four); the output row splits into dense views.
    const int64_t nq = h * hd, ng = a.output_gate ? nq : 0, nkv = hk * hd;
    Tensor qkv = st.alloc({1, nq + ng + 2 * nkv});
    {
      OpScope op(st, li, "q_proj", "k_proj,v_proj");
      st.be.linear(st.s, x, w.qkv, w.qkv_bias, qkv);
    }
    q = view(qkv, 0, {1, nq});
    if (a.output_gate) gate = view(qkv, nq, {1, ng});
    k = view(qkv, nq + ng, {1, nkv});
    v = view(qkv, nq + ng + nkv, {1, nkv});
    if (!a.output_gate) qk3 = view(qkv, 0, {1, h + hk, hd});
  } else {
    q = st.alloc({T, h * hd}), k = st.alloc({T, hk * hd}), v = st.alloc({T, hk * hd});
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
  std::vector<KvBlocks> read_from(st.seqs.size());
  // One decode row of one sequence writing to its cache: rope and the cache write as one op.
  const bool one_row = T == 1 && st.seqs.size() == 1 && st.be.fuses_ops() && rope &&
                       !(st.seqs[0].start == 0 && st.cache.stages_first_step(li, 1));
  if (one_row) {
    OpScope op(st, li, "rope", "kv_cache_write");
    const SeqRows& r = st.seqs[0];
    RopeApplyParams p;
    p.head_dim = hd;
    p.rot_dim = rope->cos.dim(1) * 2;
    p.interleaved = spec.rope->interleaved;
    read_from[0] = st.cache.blocks(r.seq, li, r.start + r.count);
    st.be.rope_kv_store(st.s, q3, k3, v3, st.positions, rope->cos, rope->sin, p, read_from[0]);
  }
  if (rope && !one_row) {
    OpScope op(st, li, "rope");
    RopeApplyParams p;
    p.head_dim = hd;
    p.rot_dim = rope->cos.dim(1) * 2;
    p.interleaved = spec.rope->interleaved;
    if (qk3.defined()) {  // one row: every head of q and k at the same position
      st.be.rope(st.s, qk3, st.positions, rope->cos, rope->sin, p);
    } else {
      st.be.rope(st.s, q3, st.positions, rope->cos, rope->sin, p);
      st.be.rope(st.s, k3, st.positions, rope->cos, rope->sin, p);
    }
  }
  // Per sequence, the keys its queries read: the cache, or for a first step longer than a
  // sliding window / chunk the step's own keys staged at the cache dtype (the pool keeps only
  // the keys a later query can see, so it is sized by the window, not the prompt).
  if (!one_row) {
    OpScope op(st, li, "kv_cache_write");
    for (size_t i = 0; i < st.seqs.size(); ++i) {
      const SeqRows& r = st.seqs[i];
      const Tensor kr = k3.slice_rows(r.row, r.count), vr = v3.slice_rows(r.row, r.count);
      const Tensor pr = st.positions.slice_rows(r.row, r.count);
      const KvBlocks cached = st.cache.blocks(r.seq, li, r.start + r.count);
      if (r.start == 0 && st.cache.stages_first_step(li, r.count)) {
        read_from[i] = staged_keys(st, i, r.count);
        st.be.kv_store(st.s, kr, vr, pr, read_from[i]);
        const int64_t skip = std::min(st.cache.stored_from(r.seq, li), r.count);
        if (skip < r.count)
          st.be.kv_store(st.s, kr.slice_rows(skip, r.count - skip), vr.slice_rows(skip, r.count - skip),
                         pr.slice_rows(skip, r.count - skip), cached);
      } else {
        read_from[i] = cached;
        st.be.kv_store(st.s, kr, vr, pr, cached);
      }
    }
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
    for (size_t i = 0; i < st.seqs.size(); ++i) {
      const SeqRows& r = st.seqs[i];
      Tensor out = o3.slice_rows(r.row, r.count);
      st.be.attention(st.s, q3.slice_rows(r.row, r.count), st.positions.slice_rows(r.row, r.count), read_from[i],
                      w.sinks, out, p);
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
