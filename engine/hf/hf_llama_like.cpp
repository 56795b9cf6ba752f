#include <algorithm>

#include "hf/hf_common.hpp"
#include "hf/hf_families.hpp"

namespace archscope::hf {

namespace {

// transformers' configuration defaults of each class (configuration_<type>.py).
CoreDefaults defaults_for(const std::string& t) {
  CoreDefaults d;
  if (t == "llama") {
    d.vocab_size = 32000, d.max_position = 2048, d.rms_eps = 1e-6;
  } else if (t == "mistral") {
    d.vocab_size = 32000, d.max_position = 4096 * 32, d.rms_eps = 1e-6;
  } else if (t == "mixtral") {
    d.vocab_size = 32000, d.max_position = 4096 * 32, d.rms_eps = 1e-5, d.rope_theta = 1e6;
  } else if (t == "qwen2") {
    d.vocab_size = 151936, d.max_position = 32768, d.rms_eps = 1e-6;
  } else if (t == "qwen3" || t == "qwen3_moe") {
    d.vocab_size = 151936, d.max_position = 32768, d.rms_eps = 1e-6, d.head_dim = 128;
  } else if (t == "smollm3") {
    d.vocab_size = 128256, d.max_position = 32768, d.rms_eps = 1e-6, d.rope_theta = 2e6;
    d.tied_embeddings = true;
  } else if (t == "olmo2") {
    d.vocab_size = 50304, d.max_position = 2048, d.rms_eps = 1e-5;
  }
  return d;
}

// Qwen2/Qwen3/SmolLM3 (4.x): sliding only when use_sliding_window, and then only on layers from
// max_window_layers on. Newer exports spell the result out in layer_types.
void read_qwen_style_sliding(const Reader& r, ModelConfig& c) {
  if (r.has("layer_types")) {
    const auto kinds = read_layer_types(r, c.n_layers);
    if (std::count(kinds.begin(), kinds.end(), AttentionKind::Sliding) > 0 &&
        r.boolean_or("use_sliding_window", true)) {
      c.attention.sliding_window = read_window(r, "sliding_window");
      c.attention.pattern = compress_pattern(kinds);
    }
    return;
  }
  if (!r.boolean_or("use_sliding_window", false) || !r.has("sliding_window")) return;
  const int64_t from = std::clamp<int64_t>(r.integer_or("max_window_layers", 0), 0, c.n_layers);
  if (from >= c.n_layers) return;
  c.attention.sliding_window = read_window(r, "sliding_window");
  std::vector<AttentionKind> kinds(c.n_layers, AttentionKind::Full);
  for (int64_t i = from; i < c.n_layers; ++i) kinds[i] = AttentionKind::Sliding;
  c.attention.pattern = compress_pattern(kinds);
}

// Mistral / Mixtral: every layer slides when sliding_window is set; null means full attention.
void read_mistral_sliding(const Reader& r, const std::string& t, ModelConfig& c) {
  const bool present = r.json().contains("sliding_window");
  if (!present && t == "mistral") {
    c.attention.sliding_window = 4096;  // MistralConfig's default when the key is absent
  } else if (r.has("sliding_window")) {
    c.attention.sliding_window = read_window(r, "sliding_window");
  } else {
    return;
  }
  c.attention.pattern = {AttentionKind::Sliding};
}

// SmolLM3: no_rope_layers[i] == 1 means layer i *uses* RoPE; the default list drops RoPE on every
// no_rope_layer_interval-th layer.
void read_smollm3_nope(const Reader& r, ModelConfig& c) {
  std::vector<PositionKind> kinds(c.n_layers, PositionKind::Rope);
  if (r.has("no_rope_layers")) {
    const auto flags = r.integer_list_or("no_rope_layers", {});
    if (static_cast<int64_t>(flags.size()) != c.n_layers) {
      r.fail_value("no_rope_layers", "has " + std::to_string(flags.size()) +
                                         " entries, num_hidden_layers is " +
                                         std::to_string(c.n_layers));
    }
    for (int64_t i = 0; i < c.n_layers; ++i) {
      if (flags[i] != 0 && flags[i] != 1) r.fail_value("no_rope_layers", "entries must be 0 or 1");
      if (flags[i] == 0) kinds[i] = PositionKind::NoPe;
    }
  } else {
    const int64_t interval = r.integer_or("no_rope_layer_interval", 4);
    if (interval <= 0) r.fail_value("no_rope_layer_interval", "must be positive");
    for (int64_t i = 0; i < c.n_layers; ++i) {
      if ((i + 1) % interval == 0) kinds[i] = PositionKind::NoPe;
    }
  }
  c.position.pattern = compress_pattern(kinds);
}

void read_mixtral_moe(const Reader& r, ModelConfig& c) {
  auto& m = c.moe;
  m.experts = r.integer("num_local_experts");
  m.top_k = r.integer_or("num_experts_per_tok", 2);
  m.expert_d_ff = c.ffn.d_ff;
  // softmax over all logits then top-k renormalised == softmax over the top-k logits.
  m.scoring = RouterScoring::Softmax;
  m.renormalize = true;
}

void read_qwen3_moe(const Reader& r, ModelConfig& c) {
  auto& m = c.moe;
  // transformers 4.x writes num_experts; 5.x configs name it num_local_experts.
  m.experts = r.has("num_experts") ? r.integer("num_experts") : r.integer("num_local_experts");
  m.top_k = r.integer("num_experts_per_tok");
  m.expert_d_ff = r.integer("moe_intermediate_size");
  m.scoring = RouterScoring::Softmax;
  m.renormalize = r.boolean_or("norm_topk_prob", false);
  const int64_t step = r.integer_or("decoder_sparse_step", 1);
  if (step <= 0) r.fail_value("decoder_sparse_step", "must be positive");
  const auto dense = r.integer_list_or("mlp_only_layers", {});
  // Qwen3MoeDecoderLayer: MoE iff not in mlp_only_layers and (i + 1) % step == 0.
  std::vector<bool> is_moe(c.n_layers, false);
  for (int64_t i = 0; i < c.n_layers; ++i) {
    is_moe[i] = (i + 1) % step == 0 && std::find(dense.begin(), dense.end(), i) == dense.end();
  }
  if (std::find(is_moe.begin(), is_moe.end(), true) == is_moe.end()) {
    m = MoeConfig{};  // every layer dense: no MoE anywhere
    return;
  }
  place_moe_layers(m, is_moe);
}

}  // namespace

ModelConfig import_llama_like(const Reader& r, const std::string& t) {
  ModelConfig c;
  const CoreDefaults d = defaults_for(t);
  read_core(r, d, c);
  read_gated_activation(r, "silu", c.ffn);
  const RopeRead rope = read_rope(r, d.rope_theta);
  c.position.rope = rope.global;

  auto& a = c.attention;
  if (t == "qwen2") {
    a.qkv_bias = true;  // Qwen2 hard-codes q/k/v biases, none on o_proj
  } else if (t != "mistral" && t != "mixtral") {
    a.qkv_bias = a.out_bias = r.boolean_or("attention_bias", false);
  }
  if (t == "llama" || t == "smollm3") c.ffn.bias = r.boolean_or("mlp_bias", false);

  if (t == "qwen3" || t == "qwen3_moe") a.qk_norm = QkNormKind::PerHead;
  if (t == "olmo2") {
    a.qk_norm = QkNormKind::Projection;   // q_norm / k_norm over the whole projection
    c.norm.placement = NormPlacement::Post;  // post_attention / post_feedforward norms only
  }

  if (t == "mistral" || t == "mixtral") {
    read_mistral_sliding(r, t, c);
  } else if (t == "qwen2" || t == "qwen3" || t == "qwen3_moe" || t == "smollm3") {
    read_qwen_style_sliding(r, c);
  } else if (r.has("layer_types")) {
    const auto kinds = read_layer_types(r, c.n_layers);
    if (std::count(kinds.begin(), kinds.end(), AttentionKind::Sliding) > 0) {
      a.sliding_window = read_window(r, "sliding_window");
    }
    a.pattern = compress_pattern(kinds);
  }

  if (t == "smollm3") read_smollm3_nope(r, c);
  if (t == "mixtral") read_mixtral_moe(r, c);
  if (t == "qwen3_moe") read_qwen3_moe(r, c);
  return c;
}

}  // namespace archscope::hf
