// Gemma 3 (gemma3_text, or gemma3 with text_config): the Gemma skeleton (hf_gemma_core.cpp) plus
// per-head q/k norms, the 5:1 sliding/full pattern, a local RoPE, and no attention soft-cap.
#include "hf/hf_common.hpp"
#include "hf/hf_families.hpp"

namespace archscope::hf {

ModelConfig import_gemma3(const Reader& r) {
  ModelConfig c;
  // Gemma3TextConfig defaults: the published 27B config.json relies on most of them.
  CoreDefaults d;
  d.vocab_size = 262208;
  d.max_position = 131072;
  d.rms_eps = 1e-6;
  d.rope_theta = 1e6;
  d.tied_embeddings = true;
  d.head_dim = 256;
  read_gemma_core(r, d, c);

  auto& a = c.attention;
  a.qk_norm = QkNormKind::PerHead;
  // Gemma3TextConfig still carries Gemma 2's attn_logit_softcapping, but transformers' (5.17)
  // Gemma3Attention never passes it to the attention function (QK-norm replaced the cap), so a
  // value there changes nothing in HF; honouring it made tests/fixtures/hf/gemma3_softcap differ
  // by 0.66 x max|logit|. The final cap is applied (Gemma3ForCausalLM).
  a.softcap = 0.0;
  c.final_softcap = r.number_or("final_logit_softcapping", 0.0);

  // Five local layers per global one unless layer_types says otherwise; the pattern key was
  // renamed to _sliding_window_pattern in later exports.
  std::vector<AttentionKind> kinds;
  if (r.has("layer_types")) {
    kinds = read_layer_types(r, c.n_layers);
  } else {
    const std::string key =
        r.has("sliding_window_pattern") ? "sliding_window_pattern" : "_sliding_window_pattern";
    const int64_t every = r.integer_or(key, 6);
    if (every <= 0) r.fail_value(key, "must be positive");
    kinds.assign(c.n_layers, AttentionKind::Sliding);
    for (int64_t i = 0; i < c.n_layers; ++i) {
      if ((i + 1) % every == 0) kinds[i] = AttentionKind::Full;
    }
  }
  a.pattern = compress_pattern(kinds);
  a.sliding_window = r.has("sliding_window") ? read_window(r, "sliding_window") : 4096;

  // Global layers: rope_theta with the (linear) scaling; local layers: rope_local_base_freq and
  // no scaling (4.x), or the sliding_attention entry of rope_parameters (5.x).
  const RopeRead rope = read_rope(r, d.rope_theta);
  c.position.rope = rope.global;
  if (rope.local) {
    c.position.rope_local = *rope.local;
  } else {
    Rope local;
    local.theta = r.number_or("rope_local_base_freq", 10000.0);
    if (!(local.theta > 0.0)) r.fail_value("rope_local_base_freq", "must be positive");
    local.partial_rotary = rope.global.partial_rotary;
    c.position.rope_local = local;
  }
  return c;
}

}  // namespace archscope::hf
