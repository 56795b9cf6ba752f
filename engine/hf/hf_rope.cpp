#include "common/error.hpp"
#include "hf/hf_common.hpp"

namespace archscope::hf {

namespace {

// One RoPE parameter set. `p` is either the rope_scaling object (4.x; theta lives outside) or a
// rope_parameters object (5.x; theta and possibly partial_rotary_factor inside).
Rope read_one(const Reader& p, double theta, double partial, int64_t max_position) {
  Rope rope;
  rope.theta = p.number_or("rope_theta", theta);
  if (!(rope.theta > 0.0)) p.fail_value("rope_theta", "must be positive");
  rope.partial_rotary = p.number_or("partial_rotary_factor", partial);
  // 4.x wrote "type", later "rope_type"; both may appear, rope_type wins.
  const std::string type = p.has("rope_type") ? p.string_or("rope_type", "default")
                                              : p.string_or("type", "default");
  auto& s = rope.scaling;
  if (type == "default" || type == "none") {
    return rope;
  }
  s.factor = p.number("factor");
  if (!(s.factor > 0.0)) p.fail_value("factor", "must be positive");
  if (type == "linear") {
    s.kind = RopeScalingKind::Linear;
  } else if (type == "llama3") {
    s.kind = RopeScalingKind::Llama3;
    s.original_max_position = p.integer("original_max_position_embeddings");
    s.low_freq_factor = p.number_or("low_freq_factor", s.low_freq_factor);
    s.high_freq_factor = p.number_or("high_freq_factor", s.high_freq_factor);
  } else if (type == "yarn") {
    s.kind = RopeScalingKind::Yarn;
    // transformers falls back to max_position_embeddings when the original length is absent.
    s.original_max_position = p.integer_or("original_max_position_embeddings", max_position);
    s.beta_fast = p.number_or("beta_fast", s.beta_fast);
    s.beta_slow = p.number_or("beta_slow", s.beta_slow);
    s.mscale = p.number_or("mscale", s.mscale);
    s.mscale_all_dim = p.number_or("mscale_all_dim", s.mscale_all_dim);
    s.attention_factor = p.number_or("attention_factor", s.attention_factor);
    s.truncate = p.boolean_or("truncate", s.truncate);
  } else {
    const std::string key = p.has("rope_type") ? "rope_type" : "type";
    throw Error(ErrorKind::Unsupported, p.where(key),
                "unsupported RoPE type '" + type + "'; supported: default, linear, llama3, yarn");
  }
  return rope;
}

bool keyed_by_layer_type(const Reader& params) {
  for (const char* k : {"full_attention", "sliding_attention", "chunked_attention"}) {
    const auto* v = params.raw(k);
    if (v && v->is_object()) return true;
  }
  return false;
}

}  // namespace

RopeRead read_rope(const Reader& r, double default_theta, double default_partial) {
  const double theta = r.number_or("rope_theta", default_theta);
  const double partial = r.number_or("partial_rotary_factor", default_partial);
  const int64_t max_position = r.integer_or("max_position_embeddings", 0);
  RopeRead out;
  if (const auto params = r.object("rope_parameters")) {
    if (keyed_by_layer_type(*params)) {
      const auto global = params->object("full_attention");
      if (!global) params->fail_value("full_attention", "required when keyed by layer type");
      out.global = read_one(*global, theta, partial, max_position);
      auto local = params->object("sliding_attention");
      if (!local) local = params->object("chunked_attention");
      if (local) out.local = read_one(*local, theta, partial, max_position);
      return out;
    }
    out.global = read_one(*params, theta, partial, max_position);
    return out;
  }
  if (const auto scaling = r.object("rope_scaling")) {
    out.global = read_one(*scaling, theta, partial, max_position);
    // rope_scaling never carries theta in 4.x; a stray one must not override rope_theta.
    out.global.theta = theta;
    return out;
  }
  out.global.theta = theta;
  if (!(theta > 0.0)) r.fail_value("rope_theta", "must be positive");
  out.global.partial_rotary = partial;
  return out;
}

}  // namespace archscope::hf
