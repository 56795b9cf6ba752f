#include <algorithm>

#include "hf/hf_common.hpp"
#include "hf/hf_families.hpp"

namespace archscope::hf {

ModelConfig import_gpt_oss(const Reader& r) {
  ModelConfig c;
  CoreDefaults d;  // GptOssConfig defaults
  d.vocab_size = 201088;
  d.max_position = 131072;
  d.rms_eps = 1e-5;
  d.rope_theta = 150000.0;
  d.head_dim = 64;
  read_core(r, d, c);

  auto& a = c.attention;
  a.qkv_bias = a.out_bias = r.boolean_or("attention_bias", true);
  a.sinks = true;  // every GptOssAttention layer learns one sink logit per head
  // Alternating banded (128) and full layers, banded first.
  std::vector<AttentionKind> kinds;
  if (r.has("layer_types")) {
    kinds = read_layer_types(r, c.n_layers);
  } else {
    kinds.assign(c.n_layers, AttentionKind::Full);
    for (int64_t i = 0; i < c.n_layers; i += 2) kinds[i] = AttentionKind::Sliding;
  }
  a.pattern = compress_pattern(kinds);
  if (std::count(kinds.begin(), kinds.end(), AttentionKind::Sliding) > 0) {
    a.sliding_window = r.has("sliding_window") ? read_window(r, "sliding_window") : 128;
  }

  c.position.rope = read_rope(r, d.rope_theta).global;

  // gate/up clamped at swiglu_limit, gate * sigmoid(1.702 gate) * (up + 1).
  c.ffn.kind = FfnKind::SwiGluClamped;
  c.ffn.clamp_limit = r.number_or("swiglu_limit", 7.0);
  c.ffn.glu_alpha = 1.702;

  auto& m = c.moe;
  m.experts = r.integer("num_local_experts");
  // Older exports name it experts_per_token.
  m.top_k = r.has("num_experts_per_tok") ? r.integer("num_experts_per_tok")
                                         : r.integer_or("experts_per_token", 4);
  m.expert_d_ff = c.ffn.d_ff;
  // The router takes the top-k logits and softmaxes only those: renormalised softmax.
  m.scoring = RouterScoring::Softmax;
  m.renormalize = true;
  m.router_bias = true;
  m.expert_bias = true;
  return c;
}

}  // namespace archscope::hf
