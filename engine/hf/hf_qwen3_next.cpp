#include <algorithm>

#include "hf/hf_common.hpp"
#include "hf/hf_families.hpp"

namespace archscope::hf {

ModelConfig import_qwen3_next(const Reader& r) {
  ModelConfig c;
  CoreDefaults d;  // Qwen3NextConfig defaults
  d.vocab_size = 151936;
  d.max_position = 32768;
  d.rms_eps = 1e-6;
  d.head_dim = 256;
  read_core(r, d, c);
  read_gated_activation(r, "silu", c.ffn);
  c.norm.kind = NormKind::RmsNormPlusOne;  // Qwen3NextRMSNorm: zero-centred weights, x * (1 + w)

  auto& a = c.attention;
  a.qkv_bias = a.out_bias = r.boolean_or("attention_bias", false);
  a.qk_norm = QkNormKind::PerHead;
  a.output_gate = true;  // q_proj emits a sigmoid gate for the attention output
  std::vector<AttentionKind> kinds;
  if (r.has("layer_types")) {
    kinds = read_layer_types(r, c.n_layers);
  } else {
    const int64_t every = r.integer_or("full_attention_interval", 4);
    if (every <= 0) r.fail_value("full_attention_interval", "must be positive");
    kinds.assign(c.n_layers, AttentionKind::Linear);
    for (int64_t i = 0; i < c.n_layers; ++i) {
      if ((i + 1) % every == 0) kinds[i] = AttentionKind::Full;
    }
  }
  a.pattern = compress_pattern(kinds);
  auto& lin = a.linear;
  lin.key_heads = r.integer_or("linear_num_key_heads", 16);
  lin.value_heads = r.integer_or("linear_num_value_heads", 32);
  lin.key_head_dim = r.integer_or("linear_key_head_dim", 128);
  lin.value_head_dim = r.integer_or("linear_value_head_dim", 128);
  lin.conv_kernel = r.integer_or("linear_conv_kernel_dim", 4);

  c.position.rope = read_rope(r, 10000.0, 0.25).global;

  auto& m = c.moe;
  m.experts = r.integer_or("num_experts", 0);
  if (m.experts > 0) {
    m.top_k = r.integer("num_experts_per_tok");
    m.expert_d_ff = r.integer("moe_intermediate_size");
    m.scoring = RouterScoring::Softmax;
    m.renormalize = r.boolean_or("norm_topk_prob", true);
    const int64_t shared = r.integer_or("shared_expert_intermediate_size", 0);
    if (shared > 0) {
      m.shared_experts = 1;
      m.shared_d_ff = shared;
      m.shared_gate = true;  // sigmoid(x . w) scales the shared expert's output
    }
    const int64_t step = r.integer_or("decoder_sparse_step", 1);
    if (step <= 0) r.fail_value("decoder_sparse_step", "must be positive");
    const auto dense = r.integer_list_or("mlp_only_layers", {});
    std::vector<bool> is_moe(c.n_layers, false);
    for (int64_t i = 0; i < c.n_layers; ++i) {
      is_moe[i] = (i + 1) % step == 0 && std::find(dense.begin(), dense.end(), i) == dense.end();
    }
    if (std::find(is_moe.begin(), is_moe.end(), true) == is_moe.end()) {
      m = MoeConfig{};
    } else {
      place_moe_layers(m, is_moe);
    }
  }
  // The checkpoints ship one MTP block; the config names it under either key when it does.
  c.mtp_layers = r.integer_or("num_nextn_predict_layers", r.integer_or("mtp_num_hidden_layers", 0));
  if (c.mtp_layers < 0) r.fail_value("num_nextn_predict_layers", "must not be negative");
  return c;
}

}  // namespace archscope::hf
