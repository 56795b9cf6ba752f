// Multi-head latent attention (DeepSeek-V3). The cache row of a token is [normed latent (L) |
// rotated shared key (rope)]; the pools' k and v are the same tensor.
//  - Prefill of a fresh sequence, naive form: kv_b_proj expands the latents to per-head keys
//    (nope part) and values; attention over [nope | rope] keys in a temporary contiguous block.
//    Not with an int8 / fp8 cache: every query then reads the quantized latents, as with a
//    softmax layer's cache, so the prefill measures what decode will see (quant's KV error).
//  - Otherwise (decode, or a prefill continuing a cached sequence), absorbed form: per head
//    q_lat = W_uk^T q_nope, attention over the cached rows with q = [q_lat | q_rope] (scores
//    q_lat . latent + q_rope . k_rope), values = the cached rows, then out = W_uv o_lat over the
//    latent part of the output (the rope part of the values is dropped).
// Every step is one backend op over all tokens and heads of a run of sequences of the same form
// (concat_last / slice_last / head_linear; a batch of one form is one run); only the cache
// writes and the attention itself are issued per sequence.
#include <cmath>
#include <vector>

#include "kv/kv_dtype.hpp"
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
    st.be.concat_last(st.s, lat.reshape({T, 1, L}), kr, cache_rows);
    for (const SeqRows& r : st.seqs) {
      const Tensor rows = cache_rows.slice_rows(r.row, r.count);
      st.be.kv_store(st.s, rows, rows, st.positions.slice_rows(r.row, r.count), st.cache.blocks(r.seq, li, r.start + r.count));
    }
  }
  AttentionParams ap = attention_params(c, spec);
  ap.scale = mla_scale(c, spec);
  Tensor o = st.alloc({T, h, vdim});
  // Runs of consecutive sequences of one form: rows [row, row + count) and the sequences in them.
  struct Run {
    bool naive = false;
    int64_t row = 0, count = 0;
    std::vector<const SeqRows*> seqs;
  };
  std::vector<Run> runs;
  const bool quantized_cache = kv_quantized(st.cache.options().dtype);
  for (const SeqRows& r : st.seqs) {
    const bool naive = r.start == 0 && !quantized_cache;
    if (runs.empty() || runs.back().naive != naive) runs.push_back(Run{naive, r.row, 0, {}});
    runs.back().count += r.count;
    runs.back().seqs.push_back(&r);
  }
  auto scope = [&](bool naive) {
    for (const Run& run : runs)
      if (run.naive == naive) return true;
    return false;
  };
  if (scope(true)) {
    // Naive form for fresh sequences: per-head keys [k_nope | k_rope] and values from kv_b_proj.
    Tensor kn = st.alloc({T, h, nope}), vv = st.alloc({T, h, vdim}), K = st.alloc({T, h, qk});
    {
      OpScope op(st, li, "kv_b_proj");
      for (const Run& run : runs) {
        if (!run.naive) continue;
        const Tensor lr = lat.slice_rows(run.row, run.count);
        Tensor kn2 = kn.slice_rows(run.row, run.count).reshape({run.count, h * nope});
        Tensor vv2 = vv.slice_rows(run.row, run.count).reshape({run.count, h * vdim});
        st.be.linear(st.s, lr, w.kv_b_k, Tensor(), kn2);
        st.be.linear(st.s, lr, w.kv_b_v, Tensor(), vv2);
        Tensor keys = K.slice_rows(run.row, run.count);
        st.be.concat_last(st.s, kn.slice_rows(run.row, run.count), kr.slice_rows(run.row, run.count), keys);
      }
    }
    OpScope op(st, li, "attn_scores", "attn_values");
    const Tensor& table = st.single_block_table();
    for (const Run& run : runs) {
      if (!run.naive) continue;
      for (const SeqRows* r : run.seqs) {
        KvBlocks kv;
        kv.k = K.slice_rows(r->row, r->count).reshape({1, r->count, h, qk});
        kv.v = vv.slice_rows(r->row, r->count).reshape({1, r->count, h, vdim});
        kv.block_table = table;
        kv.block_size = r->count;
        kv.length = r->count;
        Tensor out = o.slice_rows(r->row, r->count);
        st.be.attention(st.s, q3.slice_rows(r->row, r->count), st.positions.slice_rows(r->row, r->count), kv,
                        Tensor(), out, ap);
      }
    }
  }
  if (scope(false)) {
    Tensor ql = st.alloc({T, h, row}), ol = st.alloc({T, h, row});
    {
      OpScope op(st, li, "q_absorb");
      for (const Run& run : runs) {
        if (run.naive) continue;
        const Tensor qr = q3.slice_rows(run.row, run.count);
        Tensor q_nope = st.alloc({run.count, h, nope}), q_rope = st.alloc({run.count, h, pe});
        Tensor q_lat = st.alloc({run.count, h, L});
        st.be.slice_last(st.s, qr, 0, nope, q_nope);
        st.be.slice_last(st.s, qr, nope, pe, q_rope);
        st.be.head_linear(st.s, q_nope, w.absorb_q, q_lat);
        Tensor dst = ql.slice_rows(run.row, run.count);
        st.be.concat_last(st.s, q_lat, q_rope, dst);
      }
    }
    {
      OpScope op(st, li, "attn_scores", "attn_values");
      for (const Run& run : runs) {
        if (run.naive) continue;
        for (const SeqRows* r : run.seqs) {
          Tensor out = ol.slice_rows(r->row, r->count);
          st.be.attention(st.s, ql.slice_rows(r->row, r->count), st.positions.slice_rows(r->row, r->count),
                          st.cache.blocks(r->seq, li, r->start + r->count), Tensor(), out, ap);
        }
      }
    }
    OpScope op(st, li, "out_absorb");
    for (const Run& run : runs) {
      if (run.naive) continue;
      Tensor o_lat = st.alloc({run.count, h, L});
      st.be.slice_last(st.s, ol.slice_rows(run.row, run.count), 0, L, o_lat);
      Tensor dst = o.slice_rows(run.row, run.count);
      st.be.head_linear(st.s, o_lat, w.absorb_out, dst);
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
