// Softmax attention with its own K/V per layer: full, sliding-window and chunked layers, MHA /
// GQA / MQA. Op order: q/k/v projections, qk-norm, rope, cache write, scores, values, output gate,
// output projection.
//
// FLOPs per (query head, visible key) pair: 2·head_dim for q·k, the scale, the softmax
// (costs.hpp), the soft-cap when set; 2·head_dim for the weighted sum of values. Visible keys per
// query follow the causal mask, window and chunk exactly (visibility.hpp). Bytes: fused attention
// — scores never leave the chip; prefill reads each sequence's K and V once, decode reads the
// visible part of the cache once. The new token's K/V are written to the cache first and read
// back with the rest.
#include "plan/builder.hpp"
#include "plan/costs.hpp"
#include "plan/visibility.hpp"

namespace archscope::plan_detail {

namespace {

void add_qk_norm(const Builder& b, std::vector<Op>& ops) {
  const AttentionConfig& a = b.config.attention;
  const int64_t flops = inner_norm_flops(b.config);
  switch (a.qk_norm) {
    case QkNormKind::None: return;
    case QkNormKind::PerHead:  // one weight vector of head_dim shared by all heads
      ops.push_back(finish(b.norm("q_norm", a.heads, a.head_dim, a.head_dim, false, flops)));
      ops.push_back(finish(b.norm("k_norm", a.kv_heads, a.head_dim, a.head_dim, false, flops)));
      return;
    case QkNormKind::Projection:  // over the whole projection output
      ops.push_back(
          finish(b.norm("q_norm", 1, a.heads * a.head_dim, a.heads * a.head_dim, false, flops)));
      ops.push_back(finish(
          b.norm("k_norm", 1, a.kv_heads * a.head_dim, a.kv_heads * a.head_dim, false, flops)));
      return;
    case QkNormKind::L2:  // weightless
      ops.push_back(finish(b.norm("q_norm", a.heads, a.head_dim, 0, false, costs::kL2Norm)));
      ops.push_back(finish(b.norm("k_norm", a.kv_heads, a.head_dim, 0, false, costs::kL2Norm)));
      return;
  }
}

}  // namespace

int64_t rotary_dims(const Rope& rope, int64_t dim) {
  return static_cast<int64_t>(static_cast<double>(dim) * rope.partial_rotary) / 2 * 2;
}

void add_attention(const Builder& b, const LayerSpec& spec, std::vector<Op>& ops) {
  const AttentionConfig& a = b.config.attention;
  const int64_t d = b.config.d_model, h = a.heads, hk = a.kv_heads, hd = a.head_dim;
  const wide rows = w(b.rows);

  // Qwen3-Next's q_proj also emits the output gate: twice the width.
  ops.push_back(finish(b.matmul("q_proj", Component::Attention, d, h * hd * (a.output_gate ? 2 : 1),
                                a.qkv_bias)));
  ops.push_back(finish(b.matmul("k_proj", Component::Attention, d, hk * hd, a.qkv_bias)));
  ops.push_back(finish(b.matmul("v_proj", Component::Attention, d, hk * hd, a.qkv_bias)));
  if (spec.qk_norm) add_qk_norm(b, ops);

  if (spec.position == PositionKind::Rope && spec.rope) {
    const int64_t r = rotary_dims(*spec.rope, hd);
    OpDraft rope;
    rope.name = "rope";
    rope.kind = OpKind::Rope;
    rope.component = Component::Attention;
    rope.inputs = {b.row({h, hd}), b.row({hk, hd})};
    rope.output = b.row({h + hk, hd});
    const wide rotated = rows * w(h + hk) * w(r);
    rope.flops = rotated * costs::kRope;
    rope.bytes_read = b.act_bytes(rotated);  // in place, rotary part only
    rope.bytes_written = b.act_bytes(rotated);
    rope.compute = b.options.activations;
    ops.push_back(finish(rope));
  }

  // K and V of the new tokens go to the cache; the layer then holds its cached tokens.
  const int64_t seen = b.first_position + b.new_tokens;
  const wide kv_per_token = w(2) * w(hk) * w(hd);
  {
    OpDraft write;
    write.name = "kv_cache_write";
    write.kind = OpKind::CacheWrite;
    write.component = Component::Attention;
    write.inputs = {b.row({hk, hd}), b.row({hk, hd})};
    write.output = {b.batch, 2, hk, hd};
    write.bytes_read = b.act_bytes(rows * kv_per_token);
    write.bytes_written = write.kv_bytes_written =
        b.kv_cache_bytes(rows * kv_per_token, rows * w(2 * hk));
    const wide held = w(b.batch) * w(cached_tokens(spec.attention, spec.window, seen));
    write.kv_bytes_held = b.kv_cache_bytes(held * kv_per_token, held * w(2 * hk));
    write.compute = b.options.activations;
    ops.push_back(finish(write));
  }

  // (query, key) pairs over all heads and sequences, and the keys each sequence reads.
  const wide pairs = w(b.batch) * w(h) *
                     visible_key_sum(spec.attention, spec.window, b.first_position, b.new_tokens);
  // The keys the last new token sees: a prefill from position 0 reads each new key once; a
  // decode step or a prefill chunk also reads the cached ones.
  const int64_t keys_read =
      b.first_position == 0 && !b.decode
          ? b.new_tokens
          : visible_keys(spec.attention, spec.window, b.first_position + b.new_tokens - 1);
  const wide kv_read = w(b.batch) * w(keys_read) * w(hk) * w(hd);  // K (or V) elements read

  OpDraft scores;
  scores.name = "attn_scores";
  scores.kind = OpKind::Attention;
  scores.component = Component::Attention;
  scores.inputs = {b.row({h, hd}), {b.batch, keys_read, hk, hd}};
  scores.output = {b.batch, h, b.new_tokens, keys_read};
  const int64_t per_pair = 2 * hd + costs::kScoreScale + costs::kSoftmax +
                           (a.softcap > 0 ? costs::kSoftcap : 0);
  scores.flops = pairs * w(per_pair);
  if (a.sinks) {  // one learned logit per head joins every query's softmax
    scores.params = scores.params_active = w(h);
    scores.param_bytes = b.plain_bytes(w(h));
    scores.flops += rows * w(h) * costs::kSoftmax;
  }
  if (a.temperature_tuning.enabled && spec.position == PositionKind::NoPe) {
    scores.flops += rows * w(h) * w(hd);  // Llama 4 scales q on NoPE layers
  }
  const wide kv_read_vectors =
      w(b.batch) * w(keys_read) * w(hk);  // K (or V) vectors, one scale each
  scores.bytes_read = scores.param_bytes + b.act_bytes(rows * w(h) * w(hd)) +
                      b.kv_cache_bytes(kv_read, kv_read_vectors);
  scores.compute = b.options.activations;
  ops.push_back(finish(scores));

  OpDraft values;
  values.name = "attn_values";
  values.kind = OpKind::Attention;
  values.component = Component::Attention;
  values.inputs = {scores.output, {b.batch, keys_read, hk, hd}};
  values.output = b.row({h, hd});
  values.flops = pairs * w(2 * hd);
  values.bytes_read = b.kv_cache_bytes(kv_read, kv_read_vectors);
  values.bytes_written = b.act_bytes(rows * w(h) * w(hd));
  values.compute = b.options.activations;
  ops.push_back(finish(values));

  if (a.output_gate) {  // o · sigmoid(gate)
    ops.push_back(finish(b.elementwise("attn_gate", OpKind::Gate, Component::Attention,
                                       b.row({h, hd}), 2, costs::kSigmoid + 1)));
  }
  ops.push_back(finish(b.matmul("o_proj", Component::Attention, h * hd, d, a.out_bias)));
}

}  // namespace archscope::plan_detail
