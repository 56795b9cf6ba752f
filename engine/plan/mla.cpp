// Multi-head latent attention (DeepSeek-V3, Kimi K2). The cache holds, per token, the compressed
// latent (kv_lora_rank, after its norm) and the shared rotary key (qk_rope_head_dim).
//
// Prefill runs the naive form: kv_b_proj expands every token's latent to per-head keys (nope) and
// values, then attention over qk dim nope + rope and value dim v_head_dim.
// Decode runs the absorbed form (DeepSeek's inference code, FlashMLA): kv_b_proj's key half is
// folded into the query (q_absorb: nope → kv_lora per head), attention runs in latent space over
// the cached latents (qk dim kv_lora + rope, value dim kv_lora, the latent read once and used as
// both keys and values), and the value half maps the result back (out_absorb: kv_lora → v per
// head). kv_b_proj's parameters are owned by kv_b_proj in prefill and split between q_absorb and
// out_absorb in decode, so each plan still holds every parameter once.
// MLA layers take no q/k/v biases (no MLA model has them).
#include "plan/builder.hpp"
#include "plan/costs.hpp"
#include "plan/visibility.hpp"

namespace archscope::plan_detail {

void add_mla(const Builder& b, const LayerSpec& spec, std::vector<Op>& ops) {
  const AttentionConfig& a = b.config.attention;
  const MlaConfig& m = a.mla;
  const int64_t d = b.config.d_model, h = a.heads;
  const int64_t nope = m.qk_nope_head_dim, pe = m.qk_rope_head_dim, v = m.v_head_dim;
  const int64_t lora = m.kv_lora_rank, qk = nope + pe;
  const int64_t norm_flops = inner_norm_flops(b.config);
  const wide rows = w(b.rows);

  if (m.q_lora_rank > 0) {
    ops.push_back(finish(b.matmul("q_a_proj", Component::Attention, d, m.q_lora_rank, false)));
    ops.push_back(
        finish(b.norm("q_a_norm", 1, m.q_lora_rank, m.q_lora_rank, false, norm_flops)));
    ops.push_back(finish(b.matmul("q_b_proj", Component::Attention, m.q_lora_rank, h * qk, false)));
  } else {
    ops.push_back(finish(b.matmul("q_proj", Component::Attention, d, h * qk, false)));
  }
  ops.push_back(finish(b.matmul("kv_a_proj", Component::Attention, d, lora + pe, false)));
  ops.push_back(finish(b.norm("kv_a_norm", 1, lora, lora, false, norm_flops)));

  if (spec.position == PositionKind::Rope && spec.rope) {
    const int64_t r = rotary_dims(*spec.rope, pe);
    OpDraft rope;
    rope.name = "rope";
    rope.kind = OpKind::Rope;
    rope.component = Component::Attention;
    rope.inputs = {b.row({h, pe}), b.row({pe})};
    rope.output = b.row({h + 1, pe});
    const wide rotated = rows * w(h + 1) * w(r);  // every query head and the one shared key
    rope.flops = rotated * costs::kRope;
    rope.bytes_read = rope.bytes_written = b.act_bytes(rotated);
    rope.compute = b.options.activations;
    ops.push_back(finish(rope));
  }

  const int64_t seen = b.first_position + b.new_tokens;
  // Scales per cached row under int8 / fp8: the latent and the rope key one each.
  const wide groups = lora > 0 && pe > 0 ? 2 : 1;
  {
    OpDraft write;
    write.name = "kv_cache_write";
    write.kind = OpKind::CacheWrite;
    write.component = Component::Attention;
    write.inputs = {b.row({lora}), b.row({pe})};
    write.output = {b.batch, lora + pe};
    write.bytes_read = b.act_bytes(rows * w(lora + pe));
    write.bytes_written = write.kv_bytes_written =
        b.kv_cache_bytes(rows * w(lora + pe), rows * groups);
    const wide held = w(b.batch) * w(cached_tokens(spec.attention, spec.window, seen));
    write.kv_bytes_held = b.kv_cache_bytes(held * w(lora + pe), held * groups);
    write.compute = b.options.activations;
    ops.push_back(finish(write));
  }

  const wide pairs = w(b.batch) * w(h) *
                     visible_key_sum(spec.attention, spec.window, b.first_position, b.new_tokens);
  const int64_t per_pair_extra =
      costs::kScoreScale + costs::kSoftmax + (a.softcap > 0 ? costs::kSoftcap : 0);

  OpDraft scores;
  scores.name = "attn_scores";
  scores.kind = OpKind::Attention;
  scores.component = Component::Attention;
  scores.compute = b.options.activations;
  OpDraft values;
  values.name = "attn_values";
  values.kind = OpKind::Attention;
  values.component = Component::Attention;
  values.compute = b.options.activations;

  // The engine expands latents (naive form) only for a prefill from an empty cache; a decode step,
  // a prefill chunk continuing cached latents, and any step over an int8 / fp8 cache (whose
  // queries read the quantized latents, forward_mla.cpp) run the absorbed form.
  if (!b.decode && b.first_position == 0 && !b.kv_scaled()) {
    ops.push_back(finish(b.matmul("kv_b_proj", Component::Attention, lora, h * (nope + v), false)));
    const int64_t t = b.new_tokens;
    scores.inputs = {b.row({h, qk}), {b.batch, t, h, qk}};
    scores.output = {b.batch, h, t, t};
    scores.flops = pairs * w(2 * qk + per_pair_extra);
    // q, the per-head nope keys from kv_b_proj and the shared rotary key, each read once.
    scores.bytes_read = b.act_bytes(rows * w(h) * w(qk) + rows * w(h) * w(nope) + rows * w(pe));
    values.inputs = {scores.output, {b.batch, t, h, v}};
    values.output = b.row({h, v});
    values.flops = pairs * w(2 * v);
    values.bytes_read = b.act_bytes(rows * w(h) * w(v));
    values.bytes_written = b.act_bytes(rows * w(h) * w(v));
    ops.push_back(finish(scores));
    ops.push_back(finish(values));
  } else {
    OpDraft q_absorb = b.matmul("q_absorb", Component::Attention, nope, lora, false);
    q_absorb.inputs = {b.row({h, nope})};  // one nope × kv_lora matrix per head
    q_absorb.output = b.row({h, lora});
    q_absorb.params = q_absorb.params_active = w(h) * w(nope) * w(lora);
    // W_uk^T of every head: kv_b_proj's key rows [h * nope, lora], blocks along lora.
    q_absorb.param_bytes = b.linear_bytes(h * nope, lora);
    q_absorb.flops = 2 * rows * q_absorb.params;
    q_absorb.bytes_read = q_absorb.param_bytes + b.act_bytes(rows * w(h) * w(nope));
    q_absorb.bytes_written = b.act_bytes(rows * w(h) * w(lora));
    ops.push_back(finish(q_absorb));

    const int64_t keys =
        visible_keys(spec.attention, spec.window, b.first_position + b.new_tokens - 1);
    scores.inputs = {b.row({h, lora + pe}), {b.batch, keys, lora + pe}};
    scores.output = {b.batch, h, b.new_tokens, keys};
    scores.flops = pairs * w(2 * (lora + pe) + per_pair_extra);
    scores.bytes_read =
        b.act_bytes(rows * w(h) * w(lora + pe)) +
        b.kv_cache_bytes(w(b.batch) * w(keys) * w(lora + pe), w(b.batch) * w(keys) * groups);
    values.inputs = {scores.output, {b.batch, keys, lora}};
    values.output = b.row({h, lora});
    values.flops = pairs * w(2 * lora);
    values.bytes_written = b.act_bytes(rows * w(h) * w(lora));  // latents already on chip
    ops.push_back(finish(scores));
    ops.push_back(finish(values));

    OpDraft out_absorb = b.matmul("out_absorb", Component::Attention, lora, v, false);
    out_absorb.inputs = {b.row({h, lora})};
    out_absorb.output = b.row({h, v});
    out_absorb.params = out_absorb.params_active = w(h) * w(lora) * w(v);
    out_absorb.param_bytes = b.linear_bytes(h * v, lora);  // kv_b_proj's value rows
    out_absorb.flops = 2 * rows * out_absorb.params;
    out_absorb.bytes_read = out_absorb.param_bytes + b.act_bytes(rows * w(h) * w(lora));
    out_absorb.bytes_written = b.act_bytes(rows * w(h) * w(v));
    ops.push_back(finish(out_absorb));
  }
  ops.push_back(finish(b.matmul("o_proj", Component::Attention, h * v, d, a.out_bias)));
}

}  // namespace archscope::plan_detail
