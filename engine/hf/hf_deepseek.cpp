#include "common/error.hpp"
#include "hf/hf_common.hpp"
#include "hf/hf_families.hpp"

namespace archscope::hf {

namespace {

// DeepSeek-V3 style routing shared by DeepSeek-V3, Kimi K2 and GLM-4.5: sigmoid scores, a
// per-expert correction bias used for selection only (topk_method noaux_tc), group-limited
// top-k, routed scaling and always-on shared experts of the routed experts' width.
void read_deepseek_routing(const Reader& r, ModelConfig& c) {
  auto& m = c.moe;
  m.experts = r.integer("n_routed_experts");
  m.top_k = r.integer("num_experts_per_tok");
  m.expert_d_ff = r.integer("moe_intermediate_size");
  m.shared_experts = r.integer_or("n_shared_experts", 0);
  m.shared_d_ff = m.shared_experts > 0 ? m.expert_d_ff : 0;
  const std::string scoring = r.string_or("scoring_func", "sigmoid");
  if (scoring == "sigmoid") {
    m.scoring = RouterScoring::Sigmoid;
  } else if (scoring == "softmax") {
    m.scoring = RouterScoring::Softmax;
  } else {
    throw Error(ErrorKind::Unsupported, r.where("scoring_func"),
                "unsupported scoring_func '" + scoring + "'; supported: sigmoid, softmax");
  }
  m.selection_bias = r.string_or("topk_method", "noaux_tc") == "noaux_tc";
  m.renormalize = r.boolean_or("norm_topk_prob", true);
  m.groups = r.integer_or("n_group", 1);
  m.top_groups = r.integer_or("topk_group", 1);
  m.routed_scaling = r.number_or("routed_scaling_factor", 1.0);
  c.mtp_layers = r.integer_or("num_nextn_predict_layers", 0);
  if (c.mtp_layers < 0) r.fail_value("num_nextn_predict_layers", "must not be negative");
}

// MoE iff i >= first_k_dense_replace and i % moe_layer_freq == 0 (modeling_deepseek.py).
void place_deepseek_layers(const Reader& r, ModelConfig& c) {
  const int64_t first = r.integer_or("first_k_dense_replace", 0);
  const int64_t freq = r.integer_or("moe_layer_freq", 1);
  if (freq <= 0) r.fail_value("moe_layer_freq", "must be positive");
  if (first < 0) r.fail_value("first_k_dense_replace", "must not be negative");
  std::vector<bool> is_moe(c.n_layers, false);
  bool any = false;
  for (int64_t i = 0; i < c.n_layers; ++i) {
    is_moe[i] = i >= first && i % freq == 0;
    any = any || is_moe[i];
  }
  if (!any) {
    c.moe = MoeConfig{};
    c.moe.experts = 0;
    return;
  }
  place_moe_layers(c.moe, is_moe);
}

}  // namespace

ModelConfig import_deepseek_v3(const Reader& r) {
  ModelConfig c;
  CoreDefaults d;
  d.vocab_size = 129280;
  d.max_position = 4096;
  d.rms_eps = 1e-6;
  // head_dim is not a DeepSeek key; MLA's is set below, this only keeps read_core's default sane.
  d.head_dim = r.integer_or("qk_nope_head_dim", 128) + r.integer_or("qk_rope_head_dim", 64);
  read_core(r, d, c);
  read_gated_activation(r, "silu", c.ffn);

  auto& a = c.attention;
  a.pattern = {AttentionKind::Mla};
  auto& mla = a.mla;
  mla.q_lora_rank = r.integer_or("q_lora_rank", 0);  // null: plain q projection (V2-Lite)
  mla.kv_lora_rank = r.integer("kv_lora_rank");
  mla.qk_nope_head_dim = r.integer("qk_nope_head_dim");
  mla.qk_rope_head_dim = r.integer("qk_rope_head_dim");
  mla.v_head_dim = r.integer("v_head_dim");
  a.head_dim = mla.qk_nope_head_dim + mla.qk_rope_head_dim;
  // Every head has its own k/v after up-projection; num_key_value_heads mirrors heads anyway.
  a.kv_heads = a.heads;
  a.qkv_bias = a.out_bias = r.boolean_or("attention_bias", false);

  const RopeRead rope = read_rope(r, 10000.0);
  c.position.rope = rope.global;
  // The original checkpoints store q/k rope dims interleaved; transformers' DeepseekV3Config
  // defaults rope_interleave to true.
  c.position.rope.interleaved = r.boolean_or("rope_interleave", true);

  read_deepseek_routing(r, c);
  place_deepseek_layers(r, c);
  return c;
}

ModelConfig import_glm4_moe(const Reader& r) {
  ModelConfig c;
  CoreDefaults d;
  d.vocab_size = 151552;
  d.max_position = 131072;
  d.rms_eps = 1e-5;
  read_core(r, d, c);
  read_gated_activation(r, "silu", c.ffn);

  auto& a = c.attention;
  a.qkv_bias = r.boolean_or("attention_bias", false);  // o_proj never has a bias in GLM-4.5
  if (r.boolean_or("use_qk_norm", false)) a.qk_norm = QkNormKind::PerHead;

  // Glm4MoeConfig rotates half of each head unless told otherwise.
  c.position.rope = read_rope(r, 10000.0, 0.5).global;

  read_deepseek_routing(r, c);
  place_deepseek_layers(r, c);  // GLM-4.5 has no moe_layer_freq: the default 1 applies
  return c;
}

}  // namespace archscope::hf
