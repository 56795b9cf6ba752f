// The JSON form of ModelConfig. Reading is one function per sub-object, in the order the writer
// emits them; both mirror model_config.hpp field for field.
#include "config/config_json.hpp"

#include <fstream>

#include "common/error.hpp"
#include "config/json_reader.hpp"
#include "config/json_text.hpp"

namespace archscope {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// ---- reading ----

void read_scaling(ObjectReader& r, RopeScaling& s) {
  r.enum_field("kind", s.kind);
  r.field("factor", s.factor);
  r.field("original_max_position", s.original_max_position);
  r.field("low_freq_factor", s.low_freq_factor);
  r.field("high_freq_factor", s.high_freq_factor);
  r.field("beta_fast", s.beta_fast);
  r.field("beta_slow", s.beta_slow);
  r.field("mscale", s.mscale);
  r.field("mscale_all_dim", s.mscale_all_dim);
  r.field("attention_factor", s.attention_factor);
  r.field("truncate", s.truncate);
}

void read_rope(ObjectReader& r, Rope& rope) {
  r.field("theta", rope.theta);
  r.field("partial_rotary", rope.partial_rotary);
  r.field("interleaved", rope.interleaved);
  r.object("scaling", [&](ObjectReader& s) { read_scaling(s, rope.scaling); });
}

void read_position(ObjectReader& r, PositionConfig& p) {
  r.pattern_field("pattern", p.pattern);
  r.object("rope", [&](ObjectReader& s) { read_rope(s, p.rope); });
  // null is accepted as "no local rope", the natural spelling when editing a file by hand.
  const json* local = r.take("rope_local");
  if (local && !local->is_null()) {
    ObjectReader s(*local, r.child("rope_local"));
    read_rope(s, p.rope_local.emplace());
    s.finish();
  }
}

void read_norm(ObjectReader& r, NormConfig& n) {
  r.enum_field("kind", n.kind);
  r.field("eps", n.eps);
  r.enum_field("placement", n.placement);
  r.field("bias", n.bias);
}

void read_attention(ObjectReader& r, AttentionConfig& a) {
  r.pattern_field("pattern", a.pattern);
  r.field("heads", a.heads);
  r.field("kv_heads", a.kv_heads);
  r.field("head_dim", a.head_dim);
  r.field("qkv_bias", a.qkv_bias);
  r.field("out_bias", a.out_bias);
  r.field("sinks", a.sinks);
  r.field("output_gate", a.output_gate);
  r.field("softcap", a.softcap);
  r.field("scale", a.scale);
  r.enum_field("qk_norm", a.qk_norm);
  r.field("qk_norm_rope_layers_only", a.qk_norm_rope_layers_only);
  r.field("sliding_window", a.sliding_window);
  r.field("chunk_size", a.chunk_size);
  r.object("mla", [&](ObjectReader& m) {
    m.field("q_lora_rank", a.mla.q_lora_rank);
    m.field("kv_lora_rank", a.mla.kv_lora_rank);
    m.field("qk_nope_head_dim", a.mla.qk_nope_head_dim);
    m.field("qk_rope_head_dim", a.mla.qk_rope_head_dim);
    m.field("v_head_dim", a.mla.v_head_dim);
  });
  r.object("linear", [&](ObjectReader& l) {
    l.field("key_heads", a.linear.key_heads);
    l.field("value_heads", a.linear.value_heads);
    l.field("key_head_dim", a.linear.key_head_dim);
    l.field("value_head_dim", a.linear.value_head_dim);
    l.field("conv_kernel", a.linear.conv_kernel);
  });
  r.object("temperature_tuning", [&](ObjectReader& t) {
    t.field("enabled", a.temperature_tuning.enabled);
    t.field("floor_scale", a.temperature_tuning.floor_scale);
    t.field("attn_scale", a.temperature_tuning.attn_scale);
  });
}

void read_ffn(ObjectReader& r, FfnConfig& f) {
  r.enum_field("kind", f.kind);
  r.field("d_ff", f.d_ff);
  r.field("bias", f.bias);
  r.field("gelu_tanh", f.gelu_tanh);
  r.field("clamp_limit", f.clamp_limit);
  r.field("glu_alpha", f.glu_alpha);
}

void read_moe(ObjectReader& r, MoeConfig& m) {
  r.field("experts", m.experts);
  r.field("top_k", m.top_k);
  r.field("expert_d_ff", m.expert_d_ff);
  r.field("shared_experts", m.shared_experts);
  r.field("shared_d_ff", m.shared_d_ff);
  r.field("shared_gate", m.shared_gate);
  r.enum_field("scoring", m.scoring);
  r.field("renormalize", m.renormalize);
  r.field("selection_bias", m.selection_bias);
  r.field("groups", m.groups);
  r.field("top_groups", m.top_groups);
  r.field("routed_scaling", m.routed_scaling);
  r.field("router_bias", m.router_bias);
  r.field("expert_bias", m.expert_bias);
  r.field("weight_input", m.weight_input);
  r.field("first_dense", m.first_dense);
  r.field("interleave", m.interleave);
  r.field("dense_layers", m.dense_layers);
}

ModelConfig read_model(const json& j) {
  ObjectReader r(j, "");
  const json* format = r.take("format");
  if (!format) {
    throw_parse_error("format", std::string("missing; a model file starts with \"format\": \"") +
                                    kModelFormatTag + "\"");
  }
  const std::string tag = json_to_string(*format, "format");
  if (tag != kModelFormatTag) {
    throw_parse_error("format", "unsupported format '" + tag + "'; expected '" + kModelFormatTag + "'");
  }
  ModelConfig c;
  r.field("name", c.name);
  r.field("family", c.family);
  r.field("source", c.source);
  r.field("vocab_size", c.vocab_size);
  r.field("d_model", c.d_model);
  r.field("n_layers", c.n_layers);
  r.field("max_context", c.max_context);
  r.field("tied_embeddings", c.tied_embeddings);
  r.field("embedding_scale", c.embedding_scale);
  r.field("logit_scale", c.logit_scale);
  r.field("final_softcap", c.final_softcap);
  r.field("mtp_layers", c.mtp_layers);
  r.object("norm", [&](ObjectReader& s) { read_norm(s, c.norm); });
  r.object("attention", [&](ObjectReader& s) { read_attention(s, c.attention); });
  r.object("position", [&](ObjectReader& s) { read_position(s, c.position); });
  r.object("ffn", [&](ObjectReader& s) { read_ffn(s, c.ffn); });
  r.object("moe", [&](ObjectReader& s) { read_moe(s, c.moe); });
  r.finish();
  return c;
}

// ---- writing ----
// Templated on the JSON type: ordered_json keeps the field order for files, json (sorted keys) is
// what config_to_json returns.

template <class E>
std::vector<std::string> compact_pattern(const LayerPattern<E>& pattern) {
  std::vector<std::string> out;
  for (size_t i = 0; i < pattern.size();) {
    size_t run = 1;
    while (i + run < pattern.size() && pattern[i + run] == pattern[i]) ++run;
    std::string entry = to_string(pattern[i]);
    if (run > 1) {
      // Appended piecewise: GCC 12 raises a false -Wrestrict on "*" + std::to_string(run).
      entry += '*';
      entry += std::to_string(run);
    }
    out.push_back(std::move(entry));
    i += run;
  }
  return out;
}

template <class J>
J write_rope(const Rope& r) {
  J j;
  j["theta"] = r.theta;
  j["partial_rotary"] = r.partial_rotary;
  j["interleaved"] = r.interleaved;
  const RopeScaling& s = r.scaling;
  if (!(s == RopeScaling{})) {
    J k;
    k["kind"] = to_string(s.kind);
    k["factor"] = s.factor;
    k["original_max_position"] = s.original_max_position;
    k["low_freq_factor"] = s.low_freq_factor;
    k["high_freq_factor"] = s.high_freq_factor;
    k["beta_fast"] = s.beta_fast;
    k["beta_slow"] = s.beta_slow;
    k["mscale"] = s.mscale;
    k["mscale_all_dim"] = s.mscale_all_dim;
    k["attention_factor"] = s.attention_factor;
    k["truncate"] = s.truncate;
    j["scaling"] = std::move(k);
  }
  return j;
}

template <class J>
J write_attention(const AttentionConfig& a) {
  J j;
  j["pattern"] = compact_pattern(a.pattern);
  j["heads"] = a.heads;
  j["kv_heads"] = a.kv_heads;
  j["head_dim"] = a.head_dim;
  j["qkv_bias"] = a.qkv_bias;
  j["out_bias"] = a.out_bias;
  j["sinks"] = a.sinks;
  j["output_gate"] = a.output_gate;
  j["softcap"] = a.softcap;
  j["scale"] = a.scale;
  j["qk_norm"] = to_string(a.qk_norm);
  j["qk_norm_rope_layers_only"] = a.qk_norm_rope_layers_only;
  j["sliding_window"] = a.sliding_window;
  j["chunk_size"] = a.chunk_size;
  if (!(a.mla == MlaConfig{})) {
    J m;
    m["q_lora_rank"] = a.mla.q_lora_rank;
    m["kv_lora_rank"] = a.mla.kv_lora_rank;
    m["qk_nope_head_dim"] = a.mla.qk_nope_head_dim;
    m["qk_rope_head_dim"] = a.mla.qk_rope_head_dim;
    m["v_head_dim"] = a.mla.v_head_dim;
    j["mla"] = std::move(m);
  }
  if (!(a.linear == LinearAttentionConfig{})) {
    J l;
    l["key_heads"] = a.linear.key_heads;
    l["value_heads"] = a.linear.value_heads;
    l["key_head_dim"] = a.linear.key_head_dim;
    l["value_head_dim"] = a.linear.value_head_dim;
    l["conv_kernel"] = a.linear.conv_kernel;
    j["linear"] = std::move(l);
  }
  if (!(a.temperature_tuning == TemperatureTuning{})) {
    J t;
    t["enabled"] = a.temperature_tuning.enabled;
    t["floor_scale"] = a.temperature_tuning.floor_scale;
    t["attn_scale"] = a.temperature_tuning.attn_scale;
    j["temperature_tuning"] = std::move(t);
  }
  return j;
}

template <class J>
J write_moe(const MoeConfig& m) {
  J j;
  j["experts"] = m.experts;
  j["top_k"] = m.top_k;
  j["expert_d_ff"] = m.expert_d_ff;
  j["shared_experts"] = m.shared_experts;
  j["shared_d_ff"] = m.shared_d_ff;
  j["shared_gate"] = m.shared_gate;
  j["scoring"] = to_string(m.scoring);
  j["renormalize"] = m.renormalize;
  j["selection_bias"] = m.selection_bias;
  j["groups"] = m.groups;
  j["top_groups"] = m.top_groups;
  j["routed_scaling"] = m.routed_scaling;
  j["router_bias"] = m.router_bias;
  j["expert_bias"] = m.expert_bias;
  j["weight_input"] = m.weight_input;
  j["first_dense"] = m.first_dense;
  j["interleave"] = m.interleave;
  j["dense_layers"] = m.dense_layers;
  return j;
}

template <class J>
J write_model(const ModelConfig& c) {
  J j;
  j["format"] = kModelFormatTag;
  j["name"] = c.name;
  j["family"] = c.family;
  j["source"] = c.source;
  j["vocab_size"] = c.vocab_size;
  j["d_model"] = c.d_model;
  j["n_layers"] = c.n_layers;
  j["max_context"] = c.max_context;
  j["tied_embeddings"] = c.tied_embeddings;
  j["embedding_scale"] = c.embedding_scale;
  j["logit_scale"] = c.logit_scale;
  j["final_softcap"] = c.final_softcap;
  j["mtp_layers"] = c.mtp_layers;

  J norm;
  norm["kind"] = to_string(c.norm.kind);
  norm["eps"] = c.norm.eps;
  norm["placement"] = to_string(c.norm.placement);
  norm["bias"] = c.norm.bias;
  j["norm"] = std::move(norm);

  j["attention"] = write_attention<J>(c.attention);

  J pos;
  pos["pattern"] = compact_pattern(c.position.pattern);
  pos["rope"] = write_rope<J>(c.position.rope);
  if (c.position.rope_local) pos["rope_local"] = write_rope<J>(*c.position.rope_local);
  j["position"] = std::move(pos);

  J ffn;
  ffn["kind"] = to_string(c.ffn.kind);
  ffn["d_ff"] = c.ffn.d_ff;
  ffn["bias"] = c.ffn.bias;
  ffn["gelu_tanh"] = c.ffn.gelu_tanh;
  ffn["clamp_limit"] = c.ffn.clamp_limit;
  ffn["glu_alpha"] = c.ffn.glu_alpha;
  j["ffn"] = std::move(ffn);

  // A dense model's moe block is all defaults; leaving it out keeps dense presets short.
  if (!(c.moe == MoeConfig{})) j["moe"] = write_moe<J>(c.moe);
  return j;
}

}  // namespace

ModelConfig config_from_json(const json& j, const std::string& origin) {
  try {
    ModelConfig c = read_model(j);
    validate(c);
    return c;
  } catch (const Error& e) {
    throw e.within(origin);
  }
}

ModelConfig read_config_json(const json& j, const std::string& origin) {
  try {
    return read_model(j);
  } catch (const Error& e) {
    throw e.within(origin);
  }
}

ModelConfig config_from_text(std::string_view text, const std::string& origin) {
  json j;
  try {
    j = parse_json_text(text);
  } catch (const Error& e) {
    throw e.within(origin);
  }
  return config_from_json(j, origin);
}

ModelConfig load_config_file(const std::filesystem::path& path) {
  return config_from_json(read_json_file(path), path.string());
}

json config_to_json(const ModelConfig& config) { return write_model<json>(config); }

std::string config_to_text(const ModelConfig& config) {
  try {
    return write_model<ordered_json>(config).dump(2) + "\n";
  } catch (const nlohmann::json::exception&) {
    // dump() rejects strings that are not UTF-8; only the free-text fields can hold one.
    throw Error(ErrorKind::Validation, "name", "name, family and source must be valid UTF-8");
  }
}

void save_config_file(const ModelConfig& config, const std::filesystem::path& path) {
  const std::string text = config_to_text(config);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(ErrorKind::Io, path.string(), "cannot open for writing");
  out << text;
  out.flush();
  if (!out) throw Error(ErrorKind::System, path.string(), "write failed");
}

}  // namespace archscope
