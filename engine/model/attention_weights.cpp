// Softmax-attention, MLA and Gated DeltaNet weights: HF names and shapes, and the reorderings
// that give the forward pass dense per-part tensors.
#include "common/error.hpp"
#include "model/weight_builder.hpp"

namespace archscope::model_detail {

void build_attention(WeightBuilder& b, const LayerSpec& spec, const std::string& p, AttentionWeights& w) {
  const ModelConfig& c = b.config;
  const AttentionConfig& a = c.attention;
  const int64_t d = c.d_model, h = a.heads, hk = a.kv_heads, hd = a.head_dim;
  const std::string s = p + "self_attn.";
  // q | (Qwen3-Next's output gate) | k | v stacked by rows into one matrix, so a decode row runs
  // them as one linear (forward_attention.cpp); q, q_gate, k and v are row views of it for the
  // steps that run them apart. Each checkpoint tensor keeps its own quantization record.
  const int64_t nq = h * hd, ng = a.output_gate ? nq : 0, nkv = hk * hd;
  if (a.output_gate) {
    // Qwen3-Next: q_proj rows are [q (hd), gate (hd)] per head; split into two dense parts.
    if (a.qkv_bias) throw Error(ErrorKind::Unsupported, s + "q_proj.bias", "q/k/v bias with an output gate");
    const HostMatrix qg = b.read_linear(s + "q_proj.weight", 2 * nq, d);
    std::vector<std::pair<int64_t, int64_t>> q_rows, g_rows;
    for (int64_t i = 0; i < h; ++i) {
      q_rows.push_back({2 * i * hd, hd});
      g_rows.push_back({(2 * i + 1) * hd, hd});
    }
    w.qkv = b.alloc_linear({nq + ng + 2 * nkv, d});
    b.upload_into(w.qkv, 0, gather_rows(qg, q_rows));
    b.upload_into(w.qkv, nq, gather_rows(qg, g_rows));
    b.linear_into(w.qkv, nq + ng, s + "k_proj.weight", nkv);
    b.linear_into(w.qkv, nq + ng + nkv, s + "v_proj.weight", nkv);
    w.q_gate = w.qkv.slice_rows(nq, ng);
  } else {
    w.qkv = b.linear_parts({{s + "q_proj.weight", nq}, {s + "k_proj.weight", nkv}, {s + "v_proj.weight", nkv}}, d);
  }
  w.q = w.qkv.slice_rows(0, nq);
  w.k = w.qkv.slice_rows(nq + ng, nkv);
  w.v = w.qkv.slice_rows(nq + ng + nkv, nkv);
  w.o = b.linear(s + "o_proj.weight", d, h * hd);
  if (a.qkv_bias) {
    std::vector<float> all = b.read(s + "q_proj.bias", {nq}, TensorRole::Bias);
    for (const char* part : {"k_proj.bias", "v_proj.bias"}) {
      const std::vector<float> more = b.read(s + part, {nkv}, TensorRole::Bias);
      all.insert(all.end(), more.begin(), more.end());
    }
    w.qkv_bias = b.f32(all, {nq + 2 * nkv});
    w.q_bias = w.qkv_bias.slice_rows(0, nq);
    w.k_bias = w.qkv_bias.slice_rows(nq, nkv);
    w.v_bias = w.qkv_bias.slice_rows(nq + nkv, nkv);
  }
  if (a.out_bias) w.o_bias = b.bias(s + "o_proj.bias", d);
  if (a.sinks) w.sinks = b.vec(s + "sinks", h, TensorRole::Sinks);
  if (spec.qk_norm) {
    if (a.qk_norm == QkNormKind::PerHead) {
      w.q_norm = b.vec(s + "q_norm.weight", hd, b.norm_role());
      w.k_norm = b.vec(s + "k_norm.weight", hd, b.norm_role());
    } else if (a.qk_norm == QkNormKind::Projection) {
      w.q_norm = b.vec(s + "q_norm.weight", h * hd, b.norm_role());
      w.k_norm = b.vec(s + "k_norm.weight", hk * hd, b.norm_role());
    }  // L2: weightless
  }
}

void build_mla(WeightBuilder& b, const std::string& p, AttentionWeights& w) {
  const ModelConfig& c = b.config;
  const MlaConfig& m = c.attention.mla;
  const int64_t d = c.d_model, h = c.attention.heads;
  const int64_t nope = m.qk_nope_head_dim, rope = m.qk_rope_head_dim, v = m.v_head_dim, L = m.kv_lora_rank;
  const std::string s = p + "self_attn.";
  if (m.q_lora_rank > 0) {
    w.q_a = b.linear(s + "q_a_proj.weight", m.q_lora_rank, d);
    w.q_a_norm = b.vec(s + "q_a_layernorm.weight", m.q_lora_rank, TensorRole::Norm);
    w.q_b = b.linear(s + "q_b_proj.weight", h * (nope + rope), m.q_lora_rank);
  } else {
    w.q_b = b.linear(s + "q_proj.weight", h * (nope + rope), d);
  }
  const HostMatrix kv_a = b.read_linear(s + "kv_a_proj_with_mqa.weight", L + rope, d);
  w.kv_a_latent = b.matrix(rows_of(kv_a, 0, L));
  w.kv_a_rope = b.matrix(rows_of(kv_a, L, rope));
  w.kv_a_norm = b.vec(s + "kv_a_layernorm.weight", L, TensorRole::Norm);
  // With a weight scheme kv_b_proj is quantized as the checkpoint tensor [h * (nope + v), L]
  // (blocks along L), and W_uk^T, kv_b_k and kv_b_v are cut from the dequantized values: the
  // derived matrices carry exactly the checkpoint tensor's quantization error.
  // Held at the weights dtype even when the other weights are packed: W_uk^T is a transpose and
  // head_linear takes float weights only.
  const HostMatrix kv_b = b.read_linear_dequantized(s + "kv_b_proj.weight", h * (nope + v), L);
  std::vector<std::pair<int64_t, int64_t>> k_rows, v_rows;
  // Absorbed attention, per head i: q_lat = W_uk^T q_nope, so head_linear's matrix is W_uk^T
  // [L, nope] (stacked over heads: the one extra copy of kv_b_proj's weights); out = W_uv o_lat
  // over the latent part of the attention output, W_uv [v, L], which is kv_b_v viewed per head.
  HostMatrix uk_t;
  uk_t.rows = h * L;
  uk_t.cols = nope;
  uk_t.data.reserve(static_cast<size_t>(h * L * nope));
  for (int64_t i = 0; i < h; ++i) {
    k_rows.push_back({i * (nope + v), nope});
    v_rows.push_back({i * (nope + v) + nope, v});
    const HostMatrix t = transpose(kv_b.row(i * (nope + v)), nope, L);  // [L, nope]
    uk_t.data.insert(uk_t.data.end(), t.data.begin(), t.data.end());
  }
  const HostMatrix kb = gather_rows(kv_b, k_rows), vb = gather_rows(kv_b, v_rows);
  w.absorb_q = b.matrix(uk_t).reshape({h, L, nope});
  w.kv_b_k = b.matrix(kb);
  w.kv_b_v = b.matrix(vb);
  w.absorb_out = w.kv_b_v.reshape({h, v, L});  // rows i * v .. of [h * v, L]: W_uv of head i
  w.o = b.linear(s + "o_proj.weight", d, h * v);
  if (c.attention.out_bias) w.o_bias = b.bias(s + "o_proj.bias", d);
}

void build_linear_attention(WeightBuilder& b, const std::string& p, AttentionWeights& w) {
  const ModelConfig& c = b.config;
  const LinearAttentionConfig& l = c.attention.linear;
  const int64_t d = c.d_model, hk = l.key_heads, hv = l.value_heads, dk = l.key_head_dim, dv = l.value_head_dim;
  const int64_t rep = hv / hk, kd = hk * dk, vd = hv * dv, K = l.conv_kernel;
  const std::string s = p + "linear_attn.";
  // in_proj_qkvz rows are grouped per key head: [q (dk), k (dk), v (rep*dv), z (rep*dv)].
  const HostMatrix qkvz = b.read_linear(s + "in_proj_qkvz.weight", 2 * kd + 2 * vd, d);
  const int64_t group = 2 * dk + 2 * rep * dv;
  std::vector<std::pair<int64_t, int64_t>> qr, kr, vr, zr;
  for (int64_t g = 0; g < hk; ++g) {
    const int64_t o = g * group;
    qr.push_back({o, dk});
    kr.push_back({o + dk, dk});
    vr.push_back({o + 2 * dk, rep * dv});
    zr.push_back({o + 2 * dk + rep * dv, rep * dv});
  }
  const HostMatrix q = gather_rows(qkvz, qr), k = gather_rows(qkvz, kr), v = gather_rows(qkvz, vr),
                   z = gather_rows(qkvz, zr);
  w.lin_q = b.matrix(q);
  w.lin_k = b.matrix(k);
  w.lin_v = b.matrix(v);
  w.lin_z = b.matrix(z);
  // in_proj_ba rows per key head: [b (rep), a (rep)].
  const HostMatrix ba = b.read_linear(s + "in_proj_ba.weight", 2 * hv, d);
  std::vector<std::pair<int64_t, int64_t>> br, ar;
  for (int64_t g = 0; g < hk; ++g) {
    br.push_back({g * 2 * rep, rep});
    ar.push_back({g * 2 * rep + rep, rep});
  }
  const HostMatrix bb = gather_rows(ba, br), aa = gather_rows(ba, ar);
  w.lin_b = b.matrix(bb);
  w.lin_a = b.matrix(aa);
  // Depthwise conv over the channels [q | k | v]; split per part (the conv is per channel).
  const std::vector<float> conv = b.read(s + "conv1d.weight", {2 * kd + vd, 1, K}, TensorRole::Conv);
  auto part = [&](int64_t from, int64_t n) {
    return b.f32(std::vector<float>(conv.begin() + from * K, conv.begin() + (from + n) * K), {n, K});
  };
  w.conv_q = part(0, kd);
  w.conv_k = part(kd, kd);
  w.conv_v = part(2 * kd, vd);
  w.a_log = b.vec(s + "A_log", hv, TensorRole::DecayLog);
  w.dt_bias = b.vec(s + "dt_bias", hv, TensorRole::DecayBias);
  w.lin_norm = b.vec(s + "norm.weight", dv, TensorRole::Norm);  // plain w, not 1 + w
  w.o = b.linear(s + "out_proj.weight", d, vd);
}

}  // namespace archscope::model_detail
