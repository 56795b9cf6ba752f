#include <algorithm>

#include "hf/hf_common.hpp"
#include "hf/hf_families.hpp"

namespace archscope::hf {

namespace {

// no_rope_layers[i] == 1 means layer i uses RoPE; an empty list (as published) means the
// Llama4TextConfig default: NoPE on every no_rope_layer_interval-th layer.
std::vector<PositionKind> llama4_positions(const Reader& r, int64_t n) {
  std::vector<PositionKind> kinds(n, PositionKind::Rope);
  const auto flags = r.integer_list_or("no_rope_layers", {});
  if (!flags.empty()) {
    if (static_cast<int64_t>(flags.size()) != n) {
      r.fail_value("no_rope_layers", "has " + std::to_string(flags.size()) +
                                         " entries, num_hidden_layers is " + std::to_string(n));
    }
    for (int64_t i = 0; i < n; ++i) {
      if (flags[i] != 0 && flags[i] != 1) r.fail_value("no_rope_layers", "entries must be 0 or 1");
      if (flags[i] == 0) kinds[i] = PositionKind::NoPe;
    }
    return kinds;
  }
  const int64_t interval = r.integer_or("no_rope_layer_interval", 4);
  if (interval <= 0) r.fail_value("no_rope_layer_interval", "must be positive");
  for (int64_t i = 0; i < n; ++i) {
    if ((i + 1) % interval == 0) kinds[i] = PositionKind::NoPe;
  }
  return kinds;
}

std::vector<bool> llama4_moe_layers(const Reader& r, int64_t n) {
  std::vector<bool> is_moe(n, false);
  if (r.has("moe_layers")) {
    for (int64_t i : r.integer_list_or("moe_layers", {})) {
      if (i < 0 || i >= n) r.fail_value("moe_layers", "layer " + std::to_string(i) + " out of range");
      is_moe[i] = true;
    }
    return is_moe;
  }
  const int64_t step = r.integer_or("interleave_moe_layer_step", 1);
  if (step <= 0) r.fail_value("interleave_moe_layer_step", "must be positive");
  for (int64_t i = step - 1; i < n; i += step) is_moe[i] = true;
  return is_moe;
}

}  // namespace

ModelConfig import_llama4(const Reader& r) {
  ModelConfig c;
  CoreDefaults d;  // Llama4TextConfig defaults
  d.vocab_size = 202048;
  d.max_position = 4096 * 32;
  d.rms_eps = 1e-5;
  d.rope_theta = 500000.0;
  d.head_dim = 128;
  read_core(r, d, c);
  read_gated_activation(r, "silu", c.ffn);
  // Dense layers are intermediate_size_mlp wide; intermediate_size is the experts' width.
  const int64_t expert_ff = c.ffn.d_ff;
  c.ffn.d_ff = r.integer_or("intermediate_size_mlp", 16384);
  if (c.ffn.d_ff <= 0) r.fail_value("intermediate_size_mlp", "must be positive");

  auto& a = c.attention;
  a.qkv_bias = a.out_bias = r.boolean_or("attention_bias", false);
  const auto positions = llama4_positions(r, c.n_layers);
  c.position.pattern = compress_pattern(positions);
  c.position.rope = read_rope(r, d.rope_theta).global;
  c.position.rope.interleaved = true;  // Llama 4 rotates adjacent pairs (complex multiply)

  // RoPE layers attend within chunks; NoPE layers see the whole context.
  const int64_t chunk = r.integer_or("attention_chunk_size", 0);
  std::vector<AttentionKind> kinds(c.n_layers, AttentionKind::Full);
  if (chunk > 0) {
    a.chunk_size = chunk;
    for (int64_t i = 0; i < c.n_layers; ++i) {
      if (positions[i] == PositionKind::Rope) kinds[i] = AttentionKind::Chunked;
    }
  } else if (chunk < 0) {
    r.fail_value("attention_chunk_size", "must not be negative");
  }
  a.pattern = compress_pattern(kinds);

  if (r.boolean_or("use_qk_norm", true)) {
    a.qk_norm = QkNormKind::L2;
    a.qk_norm_rope_layers_only = true;
  }
  // Early exports wrote attn_temperature_tuning as an integer (4); any non-zero means on.
  const auto* tuning = r.raw("attn_temperature_tuning");
  bool tune = true;
  if (tuning) {
    if (tuning->is_boolean()) tune = tuning->get<bool>();
    else if (tuning->is_number()) tune = tuning->get<double>() != 0.0;
    else r.fail_type("attn_temperature_tuning", "a boolean");
  }
  a.temperature_tuning.enabled = tune;
  a.temperature_tuning.floor_scale = r.number_or("floor_scale", 8192.0);
  a.temperature_tuning.attn_scale = r.number_or("attn_scale", 0.1);

  auto& m = c.moe;
  m.experts = r.integer("num_local_experts");
  m.top_k = r.integer_or("num_experts_per_tok", 1);
  m.expert_d_ff = expert_ff;
  m.shared_experts = 1;  // every Llama 4 MoE layer adds one always-on expert of the same width
  m.shared_d_ff = expert_ff;
  m.scoring = RouterScoring::Sigmoid;  // sigmoid of the top-k logits, no renormalisation
  m.weight_input = true;               // the router weight scales the expert input
  const auto is_moe = llama4_moe_layers(r, c.n_layers);
  if (std::find(is_moe.begin(), is_moe.end(), true) == is_moe.end()) {
    m = MoeConfig{};
  } else {
    place_moe_layers(m, is_moe);
  }
  return c;
}

}  // namespace archscope::hf
