#include "common/error.hpp"
#include "hf/hf_common.hpp"

namespace archscope::hf {

namespace {

int64_t positive(const Reader& r, const std::string& key, int64_t value) {
  if (value <= 0) r.fail_value(key, "must be positive, got " + std::to_string(value));
  return value;
}

}  // namespace

void read_core(const Reader& r, const CoreDefaults& d, ModelConfig& c) {
  c.d_model = positive(r, "hidden_size", r.integer("hidden_size"));
  c.n_layers = positive(r, "num_hidden_layers", r.integer("num_hidden_layers"));
  if (c.n_layers > kMaxLayers) {
    r.fail_value("num_hidden_layers", "at most " + std::to_string(kMaxLayers) + " layers");
  }
  c.vocab_size = positive(r, "vocab_size",
                          d.vocab_size ? r.integer_or("vocab_size", d.vocab_size)
                                       : r.integer("vocab_size"));
  c.max_context = positive(r, "max_position_embeddings",
                           d.max_position ? r.integer_or("max_position_embeddings", d.max_position)
                                          : r.integer("max_position_embeddings"));
  auto& a = c.attention;
  a.heads = positive(r, "num_attention_heads", r.integer("num_attention_heads"));
  a.kv_heads = positive(r, "num_key_value_heads", r.integer_or("num_key_value_heads", a.heads));
  // Configs that predate the head_dim key imply d_model / heads.
  const int64_t implied = d.head_dim ? *d.head_dim : c.d_model / a.heads;
  a.head_dim = positive(r, "head_dim", r.integer_or("head_dim", implied));
  c.norm.kind = NormKind::RmsNorm;
  c.norm.eps = r.number_or("rms_norm_eps", d.rms_eps);
  if (!(c.norm.eps > 0.0)) r.fail_value("rms_norm_eps", "must be positive");
  c.tied_embeddings = r.boolean_or("tie_word_embeddings", d.tied_embeddings);
  c.ffn.d_ff = positive(r, "intermediate_size", r.integer("intermediate_size"));
}

void read_gated_activation(const Reader& r, const std::string& fallback, FfnConfig& ffn) {
  // Gemma names it hidden_activation; everybody else hidden_act.
  const std::string key = r.has("hidden_activation") ? "hidden_activation" : "hidden_act";
  const std::string act = r.string_or(key, fallback);
  if (act == "silu" || act == "swish") {
    ffn.kind = FfnKind::SwiGlu;
  } else if (act == "gelu_pytorch_tanh" || act == "gelu_new" || act == "gelu_tanh" ||
             act == "gelu_fast") {
    ffn.kind = FfnKind::GeGlu;
    ffn.gelu_tanh = true;
  } else if (act == "gelu") {
    ffn.kind = FfnKind::GeGlu;
    ffn.gelu_tanh = false;
  } else {
    throw Error(ErrorKind::Unsupported, r.where(key),
                "unsupported activation '" + act + "'; supported: silu, gelu, gelu_pytorch_tanh");
  }
}

int64_t read_window(const Reader& r, const std::string& key) {
  const int64_t w = r.integer(key);
  if (w <= 0) r.fail_value(key, "must be positive, got " + std::to_string(w));
  return w;
}

std::vector<AttentionKind> read_layer_types(const Reader& r, int64_t n_layers) {
  const auto types = r.string_list("layer_types");
  if (static_cast<int64_t>(types.size()) != n_layers) {
    r.fail_value("layer_types", "has " + std::to_string(types.size()) +
                                    " entries, num_hidden_layers is " + std::to_string(n_layers));
  }
  std::vector<AttentionKind> out;
  out.reserve(types.size());
  for (size_t i = 0; i < types.size(); ++i) {
    const auto& t = types[i];
    if (t == "full_attention") out.push_back(AttentionKind::Full);
    else if (t == "sliding_attention") out.push_back(AttentionKind::Sliding);
    else if (t == "chunked_attention") out.push_back(AttentionKind::Chunked);
    else if (t == "linear_attention") out.push_back(AttentionKind::Linear);
    else {
      throw Error(ErrorKind::Unsupported, r.where("layer_types") + "[" + std::to_string(i) + "]",
                  "unsupported layer type '" + t +
                      "'; supported: full_attention, sliding_attention, chunked_attention, "
                      "linear_attention");
    }
  }
  return out;
}

}  // namespace archscope::hf
