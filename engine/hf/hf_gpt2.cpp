// GPT-2 (GPT2Config / GPT2LMHeadModel): learned absolute positions, pre-LayerNorm blocks with
// biases, full multi-head attention with biases on the fused c_attn and on c_proj, a plain
// (non-gated) GELU MLP with biases, tied LM head. Field names are GPT-2's own (n_embd, n_layer,
// ...), not the hidden_size family the other importers read through read_core.
#include <string>

#include "common/error.hpp"
#include "hf/hf_common.hpp"
#include "hf/hf_families.hpp"

namespace archscope::hf {

namespace {

int64_t positive_or(const Reader& r, const std::string& key, int64_t fallback) {
  const int64_t v = r.integer_or(key, fallback);
  if (v <= 0) r.fail_value(key, "must be positive, got " + std::to_string(v));
  return v;
}

}  // namespace

ModelConfig import_gpt2(const Reader& r) {
  ModelConfig c;
  // GPT2Config defaults (the gpt2 small model): a config.json may omit any of them.
  c.vocab_size = positive_or(r, "vocab_size", 50257);
  c.d_model = positive_or(r, "n_embd", 768);
  c.n_layers = positive_or(r, "n_layer", 12);
  if (c.n_layers > kMaxLayers) r.fail_value("n_layer", "at most " + std::to_string(kMaxLayers) + " layers");
  // n_positions sizes the wpe table, so it is both the context limit and the table's row count.
  c.max_context = positive_or(r, "n_positions", 1024);
  // PretrainedConfig's default: GPT-2 checkpoints ship without lm_head.weight.
  c.tied_embeddings = r.boolean_or("tie_word_embeddings", true);

  c.norm.kind = NormKind::LayerNorm;
  c.norm.bias = true;
  c.norm.placement = NormPlacement::Pre;  // ln_1 before attention, ln_2 before the MLP, ln_f last
  c.norm.eps = r.number_or("layer_norm_epsilon", 1e-5);
  if (!(c.norm.eps > 0.0)) r.fail_value("layer_norm_epsilon", "must be positive");

  auto& a = c.attention;
  a.heads = positive_or(r, "n_head", 12);
  if (c.d_model % a.heads != 0) {
    // GPT2Attention refuses this too: head_dim is embed_dim / num_heads with no remainder.
    r.fail_value("n_head", std::to_string(a.heads) + " does not divide n_embd " + std::to_string(c.d_model));
  }
  a.kv_heads = a.heads;
  a.head_dim = c.d_model / a.heads;
  a.pattern = {AttentionKind::Full};
  a.qkv_bias = a.out_bias = true;  // Conv1D always has a bias
  // scale_attn_weights false: HF skips the 1/sqrt(head_dim) division, so the scale is exactly 1.
  if (!r.boolean_or("scale_attn_weights", true)) a.scale = 1.0;
  // Per-layer 1/(layer+1) scaling has no place in the config's single softmax scale; refusing is
  // better than importing a model whose logits would silently differ.
  if (r.boolean_or("scale_attn_by_inverse_layer_idx", false)) {
    throw Error(ErrorKind::Unsupported, r.where("scale_attn_by_inverse_layer_idx"),
                "per-layer attention scaling 1/(layer+1) is not supported");
  }
  if (r.boolean_or("add_cross_attention", false)) {
    throw Error(ErrorKind::Unsupported, r.where("add_cross_attention"),
                "cross-attention (encoder-decoder GPT-2) is not supported");
  }
  // reorder_and_upcast_attn only changes the float precision of the scores: nothing to import.

  c.position.pattern = {PositionKind::Learned};

  auto& f = c.ffn;
  // n_inner null means 4 * n_embd (GPT2Block).
  f.d_ff = r.has("n_inner") ? positive_or(r, "n_inner", 0) : 4 * c.d_model;
  f.bias = true;
  const std::string act = r.string_or("activation_function", "gelu_new");
  if (act == "gelu_new" || act == "gelu_pytorch_tanh" || act == "gelu_fast") {
    // All three are 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), written differently.
    f.kind = FfnKind::Gelu;
    f.gelu_tanh = true;
  } else if (act == "gelu") {
    f.kind = FfnKind::Gelu;
    f.gelu_tanh = false;
  } else if (act == "relu") {
    f.kind = FfnKind::Relu;
  } else {
    throw Error(ErrorKind::Unsupported, r.where("activation_function"),
                "unsupported activation '" + act + "'; supported: gelu_new, gelu_pytorch_tanh, gelu_fast, gelu, relu");
  }
  return c;
}

}  // namespace archscope::hf
