// Gemma 2 (Gemma2Config): Gemma 3's skeleton without q/k norms, one RoPE for all layers, and the
// two logit soft-caps that Gemma 2's attention really applies (transformers' Gemma2Attention
// passes softcap to the attention function; Gemma 3's does not, see hf_gemma3.cpp).
#include <string>

#include "common/error.hpp"
#include "hf/hf_common.hpp"
#include "hf/hf_families.hpp"

namespace archscope::hf {

namespace {

// Gemma2Config defaults both caps on; an explicit null switches one off.
double softcap(const Reader& r, const std::string& key, double fallback) {
  if (!r.json().contains(key)) return fallback;
  const double v = r.number_or(key, 0.0);
  if (!(v >= 0.0)) r.fail_value(key, "must not be negative");
  return v;
}

}  // namespace

ModelConfig import_gemma2(const Reader& r) {
  ModelConfig c;
  CoreDefaults d;  // Gemma2Config defaults (gemma-2-2b)
  d.vocab_size = 256000;
  d.max_position = 8192;
  d.rms_eps = 1e-6;
  d.rope_theta = 10000.0;
  d.tied_embeddings = true;
  d.head_dim = 256;
  read_gemma_core(r, d, c);

  auto& a = c.attention;
  a.softcap = softcap(r, "attn_logit_softcapping", 50.0);
  c.final_softcap = softcap(r, "final_logit_softcapping", 30.0);

  // layer_types, or Gemma2Config's default: sliding on even layers, full on odd ones.
  std::vector<AttentionKind> kinds;
  if (r.has("layer_types")) {
    kinds = read_layer_types(r, c.n_layers);
  } else {
    kinds.assign(c.n_layers, AttentionKind::Sliding);
    for (int64_t i = 1; i < c.n_layers; i += 2) kinds[i] = AttentionKind::Full;
  }
  a.pattern = compress_pattern(kinds);
  a.sliding_window = r.has("sliding_window") ? read_window(r, "sliding_window") : 4096;

  c.position.rope = read_rope(r, d.rope_theta).global;  // the same RoPE on local and global layers
  // Gemma2Config's switch for encoder use (EmbeddingGemma): attention that looks ahead.
  if (r.boolean_or("use_bidirectional_attention", false)) {
    throw Error(ErrorKind::Unsupported, r.where("use_bidirectional_attention"),
                "bidirectional attention is not supported");
  }
  return c;
}

}  // namespace archscope::hf
