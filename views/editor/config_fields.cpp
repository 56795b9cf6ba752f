// The field table. Labels and help lines follow docs/config-format.md and model_config.hpp.
#include "editor/config_fields.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "editor/field_access.hpp"

namespace archscope::editor {

using detail::field;

// A pointer to a member of the config: the accessor every row is built from.
#define MEMBER(expr) [](ModelConfig& c) { return &c.expr; }

namespace {

void model_fields(std::vector<FieldSpec>& f) {
  const std::string g = "Model";
  f.push_back(field("name", g, "Name", "Shown in reports and run records", MEMBER(name)));
  f.push_back(
      field("family", g, "Family", "Preset family, e.g. deepseek-v3; free text", MEMBER(family)));
  f.push_back(field("source", g, "Source", "Where the numbers come from (model card, config.json)",
                    MEMBER(source)));
  const std::string d = "Dimensions";
  f.push_back(field("vocab_size", d, "Vocabulary", "Token embedding rows", MEMBER(vocab_size)));
  f.push_back(
      field("d_model", d, "Model width", "Residual stream width (hidden_size)", MEMBER(d_model)));
  f.push_back(field("n_layers", d, "Layers", "Transformer blocks", MEMBER(n_layers)));
  f.push_back(field("max_context", d, "Max context",
                    "Longest supported context; learned position table size", MEMBER(max_context)));
  f.push_back(field("tied_embeddings", d, "Tied embeddings", "LM head shares the embedding matrix",
                    MEMBER(tied_embeddings)));
  f.push_back(field("embedding_scale", d, "Embedding scale",
                    "Embeddings are multiplied by this (Gemma: √d_model)",
                    MEMBER(embedding_scale)));
  f.push_back(field("logit_scale", d, "Logit scale",
                    "Logits are multiplied by this before the soft-cap", MEMBER(logit_scale)));
  f.push_back(field("final_softcap", d, "Final soft-cap", "cap · tanh(logits / cap); 0 = off",
                    MEMBER(final_softcap)));
  f.push_back(field("mtp_layers", d, "MTP modules",
                    "Multi-token-prediction modules: described, never counted",
                    MEMBER(mtp_layers)));
}

void norm_fields(std::vector<FieldSpec>& f) {
  const std::string g = "Norms";
  f.push_back(field("norm.kind", g, "Norm",
                    "rmsnorm, layernorm, or rmsnorm_plus_one (weights around zero)",
                    MEMBER(norm.kind)));
  f.push_back(field("norm.eps", g, "ε", "Added to the variance", MEMBER(norm.eps)));
  f.push_back(field("norm.placement", g, "Placement",
                    "pre: x + f(norm x); post: x + norm(f x); sandwich: both",
                    MEMBER(norm.placement)));
  f.push_back(field("norm.bias", g, "Bias", "LayerNorm with bias (GPT-2)", MEMBER(norm.bias)));
}

void attention_fields(std::vector<FieldSpec>& f) {
  const std::string g = "Attention";
  const std::string a = "attention.";
  f.push_back(field(a + "pattern", g, "Layer kinds",
                    "Per-layer pattern, repeated: e.g. sliding*5, full",
                    MEMBER(attention.pattern)));
  f.push_back(field(a + "heads", g, "Query heads", "Attention heads", MEMBER(attention.heads)));
  f.push_back(field(a + "kv_heads", g, "KV heads", "= heads: MHA, 1: MQA, between: GQA",
                    MEMBER(attention.kv_heads)));
  f.push_back(field(a + "head_dim", g, "Head dim", "May differ from d_model / heads",
                    MEMBER(attention.head_dim)));
  f.push_back(field(a + "qkv_bias", g, "QKV bias", "Biases on the q, k, v projections",
                    MEMBER(attention.qkv_bias)));
  f.push_back(field(a + "out_bias", g, "Output bias", "Bias on the output projection",
                    MEMBER(attention.out_bias)));
  f.push_back(field(a + "sinks", g, "Sinks",
                    "A learned per-head sink logit in the softmax (gpt-oss)",
                    MEMBER(attention.sinks)));
  f.push_back(field(a + "output_gate", g, "Output gate",
                    "Sigmoid gate from q_proj on the output (Qwen3-Next)",
                    MEMBER(attention.output_gate)));
  f.push_back(field(a + "softcap", g, "Logit soft-cap", "cap · tanh(s / cap); 0 = off",
                    MEMBER(attention.softcap)));
  f.push_back(
      field(a + "scale", g, "Softmax scale", "0 = 1 / √(qk head dim)", MEMBER(attention.scale)));
  f.push_back(field(a + "qk_norm", g, "QK-norm", "none, per_head, projection or l2",
                    MEMBER(attention.qk_norm)));
  f.push_back(field(a + "qk_norm_rope_layers_only", g, "QK-norm on RoPE layers only", "Llama 4",
                    MEMBER(attention.qk_norm_rope_layers_only)));
  f.push_back(field(a + "sliding_window", g, "Sliding window", "Tokens a sliding layer sees",
                    MEMBER(attention.sliding_window)));
  f.push_back(field(a + "chunk_size", g, "Chunk size", "Tokens per chunk of a chunked layer",
                    MEMBER(attention.chunk_size)));
  const std::string m = "MLA";
  f.push_back(field(a + "mla.q_lora_rank", m, "q LoRA rank", "0: q is a plain projection",
                    MEMBER(attention.mla.q_lora_rank)));
  f.push_back(field(a + "mla.kv_lora_rank", m, "KV latent rank", "Width of the cached latent",
                    MEMBER(attention.mla.kv_lora_rank)));
  f.push_back(field(a + "mla.qk_nope_head_dim", m, "qk no-PE dim", "Per head, from the latent",
                    MEMBER(attention.mla.qk_nope_head_dim)));
  f.push_back(field(a + "mla.qk_rope_head_dim", m, "qk RoPE dim",
                    "Per head; the rope key is shared and cached",
                    MEMBER(attention.mla.qk_rope_head_dim)));
  f.push_back(
      field(a + "mla.v_head_dim", m, "v head dim", "Per head", MEMBER(attention.mla.v_head_dim)));
  const std::string l = "Linear attention";
  f.push_back(field(a + "linear.key_heads", l, "Key heads", "Gated DeltaNet",
                    MEMBER(attention.linear.key_heads)));
  f.push_back(field(a + "linear.value_heads", l, "Value heads", "Gated DeltaNet",
                    MEMBER(attention.linear.value_heads)));
  f.push_back(field(a + "linear.key_head_dim", l, "Key head dim", "",
                    MEMBER(attention.linear.key_head_dim)));
  f.push_back(field(a + "linear.value_head_dim", l, "Value head dim", "",
                    MEMBER(attention.linear.value_head_dim)));
  f.push_back(field(a + "linear.conv_kernel", l, "Conv kernel",
                    "Depthwise causal conv over q, k, v", MEMBER(attention.linear.conv_kernel)));
  const std::string t = "Temperature tuning";
  f.push_back(field(a + "temperature_tuning.enabled", t, "Enabled",
                    "Llama 4: scale q on NoPE layers by position",
                    MEMBER(attention.temperature_tuning.enabled)));
  f.push_back(field(a + "temperature_tuning.floor_scale", t, "Floor scale", "",
                    MEMBER(attention.temperature_tuning.floor_scale)));
  f.push_back(field(a + "temperature_tuning.attn_scale", t, "Attention scale", "",
                    MEMBER(attention.temperature_tuning.attn_scale)));
}

void position_fields(std::vector<FieldSpec>& f) {
  const std::string g = "Position";
  f.push_back(field("position.pattern", g, "Layer positions",
                    "Per-layer pattern: rope, nope, learned", MEMBER(position.pattern)));
  detail::add_rope_fields(f, "position.rope", g, [](ModelConfig& c) { return &c.position.rope; });
  // The presence of a local RoPE is itself a field: a flag the form shows as a check box.
  FieldSpec local;
  local.path = "position.rope_local";
  local.group = "Local RoPE";
  local.label = "Separate local RoPE";
  local.help = "Sliding/chunked layers use their own RoPE (Gemma 3: θ 10k locally)";
  local.kind = FieldKind::Flag;
  local.applies = [](const ModelConfig&) { return true; };
  local.get = [](const ModelConfig& c) -> FieldValue { return c.position.rope_local.has_value(); };
  local.set = [](ModelConfig& c, const FieldValue& v) {
    if (!std::get<bool>(v)) {
      c.position.rope_local.reset();
    } else if (!c.position.rope_local) {
      c.position.rope_local = c.position.rope;  // start from the global one
    }
  };
  f.push_back(std::move(local));
  detail::add_rope_fields(f, "position.rope_local", "Local RoPE", [](ModelConfig& c) {
    return c.position.rope_local ? &*c.position.rope_local : nullptr;
  });
}

void ffn_fields(std::vector<FieldSpec>& f) {
  const std::string g = "FFN";
  f.push_back(
      field("ffn.kind", g, "FFN", "swiglu, geglu, gelu, relu, swiglu_clamped", MEMBER(ffn.kind)));
  f.push_back(field("ffn.d_ff", g, "FFN width", "Width of dense FFN layers", MEMBER(ffn.d_ff)));
  f.push_back(
      field("ffn.bias", g, "Bias", "Biases on the FFN projections (GPT-2)", MEMBER(ffn.bias)));
  f.push_back(field("ffn.gelu_tanh", g, "tanh GELU", "GELU / GeGLU use the tanh approximation",
                    MEMBER(ffn.gelu_tanh)));
  f.push_back(field("ffn.clamp_limit", g, "Clamp limit", "swiglu_clamped (gpt-oss)",
                    MEMBER(ffn.clamp_limit)));
  f.push_back(
      field("ffn.glu_alpha", g, "GLU α", "swiglu_clamped (gpt-oss)", MEMBER(ffn.glu_alpha)));
}

void moe_fields(std::vector<FieldSpec>& f) {
  const std::string g = "MoE";
  f.push_back(
      field("moe.experts", g, "Routed experts", "0 = no MoE anywhere", MEMBER(moe.experts)));
  f.push_back(field("moe.top_k", g, "Top-k", "Experts each token is routed to", MEMBER(moe.top_k)));
  f.push_back(field("moe.expert_d_ff", g, "Expert width", "FFN width of one routed expert",
                    MEMBER(moe.expert_d_ff)));
  f.push_back(field("moe.shared_experts", g, "Shared experts", "Experts every token uses",
                    MEMBER(moe.shared_experts)));
  f.push_back(field("moe.shared_d_ff", g, "Shared expert width", "Width of each shared expert",
                    MEMBER(moe.shared_d_ff)));
  f.push_back(field("moe.shared_gate", g, "Shared gate",
                    "sigmoid(x · w) on the shared output (Qwen3-Next)", MEMBER(moe.shared_gate)));
  f.push_back(field("moe.scoring", g, "Router scoring", "softmax or sigmoid", MEMBER(moe.scoring)));
  f.push_back(field("moe.renormalize", g, "Renormalise top-k", "Top-k weights sum to 1",
                    MEMBER(moe.renormalize)));
  f.push_back(field("moe.selection_bias", g, "Selection bias",
                    "Per-expert bias for selection only (DeepSeek-V3)",
                    MEMBER(moe.selection_bias)));
  f.push_back(field("moe.groups", g, "Expert groups",
                    "Group-limited routing: experts split in groups", MEMBER(moe.groups)));
  f.push_back(field("moe.top_groups", g, "Top groups",
                    "Only the best top_groups groups are eligible", MEMBER(moe.top_groups)));
  f.push_back(field("moe.routed_scaling", g, "Routed scaling", "Multiplies the routed output",
                    MEMBER(moe.routed_scaling)));
  f.push_back(field("moe.router_bias", g, "Router bias", "Bias in the router projection (gpt-oss)",
                    MEMBER(moe.router_bias)));
  f.push_back(field("moe.expert_bias", g, "Expert bias", "Biases in expert projections (gpt-oss)",
                    MEMBER(moe.expert_bias)));
  f.push_back(field("moe.weight_input", g, "Weight the input",
                    "Router weight scales the expert input (Llama 4)", MEMBER(moe.weight_input)));
  f.push_back(field("moe.first_dense", g, "First dense layers",
                    "Layers before this index use the dense FFN", MEMBER(moe.first_dense)));
  f.push_back(field("moe.interleave", g, "Interleave",
                    "Layer i is MoE when (i + 1) % interleave == 0", MEMBER(moe.interleave)));
  f.push_back(field("moe.dense_layers", g, "Dense layers", "Layer indices that stay dense: 0, 3, 7",
                    MEMBER(moe.dense_layers)));
}

std::vector<FieldSpec> build_table() {
  std::vector<FieldSpec> f;
  model_fields(f);
  norm_fields(f);
  attention_fields(f);
  position_fields(f);
  ffn_fields(f);
  moe_fields(f);
  return f;
}

}  // namespace

#undef MEMBER

const std::vector<FieldSpec>& config_fields() {
  static const std::vector<FieldSpec> table = build_table();
  return table;
}

std::vector<std::string> field_groups() {
  std::vector<std::string> groups;
  for (const FieldSpec& f : config_fields())
    if (std::find(groups.begin(), groups.end(), f.group) == groups.end()) groups.push_back(f.group);
  return groups;
}

const FieldSpec* find_field(const std::string& path) {
  for (const FieldSpec& f : config_fields())
    if (f.path == path) return &f;
  return nullptr;
}

const FieldSpec* field_for_error(const std::string& where) {
  // "file.json: attention.pattern[3]" -> "attention.pattern"
  std::string path = where;
  const size_t colon = path.rfind(": ");
  if (colon != std::string::npos) path = path.substr(colon + 2);
  const size_t bracket = path.find('[');
  if (bracket != std::string::npos) path = path.substr(0, bracket);
  const FieldSpec* best = nullptr;
  for (const FieldSpec& f : config_fields()) {
    const bool prefix = path == f.path ||
                        (path.size() > f.path.size() &&
                         path.compare(0, f.path.size(), f.path) == 0 && path[f.path.size()] == '.');
    if (prefix && (!best || f.path.size() > best->path.size())) best = &f;
  }
  return best;
}

std::string value_text(const FieldValue& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v))
    return nlohmann::json(*d).dump();  // shortest round trip
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  return std::get<std::string>(v);
}

}  // namespace archscope::editor
