// validate(): every rule names the JSON path of the field to fix. Rules run in the order the
// fields appear in the JSON file, so the first error is the first broken field a reader meets.
#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "config/limits.hpp"
#include "config/model_config.hpp"

namespace archscope {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& message) {
  throw Error(ErrorKind::Validation, path, message);
}

// Shortest round-trip spelling, the same one the JSON file uses.
std::string num(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return nlohmann::json(v).dump();
}
std::string num(int64_t v) { return std::to_string(v); }

void at_most(int64_t v, int64_t max, const std::string& path) {
  if (v > max) fail(path, num(v) + " exceeds the limit " + num(max));
}
void positive(int64_t v, const std::string& path, int64_t max = kMaxDimension) {
  if (v <= 0) fail(path, "must be positive, got " + num(v));
  at_most(v, max, path);
}
void non_negative(int64_t v, const std::string& path, int64_t max = kMaxDimension) {
  if (v < 0) fail(path, "must not be negative, got " + num(v));
  at_most(v, max, path);
}
void finite(double v, const std::string& path) {
  if (!std::isfinite(v)) fail(path, "must be a finite number, got " + num(v));
}
void positive(double v, const std::string& path) {
  finite(v, path);
  if (v <= 0) fail(path, "must be positive, got " + num(v));
}
void non_negative(double v, const std::string& path) {
  finite(v, path);
  if (v < 0) fail(path, "must not be negative, got " + num(v));
}

// What the expanded layers use; gathered once so rules can ask "is any layer sliding?" about the
// layers that exist, not about pattern entries cut away at n_layers.
struct Usage {
  bool attention[5] = {};
  bool position[3] = {};
  bool rope_global_used = false;
  bool rope_local_used = false;
  std::vector<bool> dense_listed;
  bool any_moe = false;
  bool any_dense = false;
};

bool uses(const Usage& u, AttentionKind k) { return u.attention[static_cast<int>(k)]; }
bool uses(const Usage& u, PositionKind k) { return u.position[static_cast<int>(k)]; }

void check_model(const ModelConfig& c) {
  positive(c.vocab_size, "vocab_size");
  positive(c.d_model, "d_model");
  positive(c.n_layers, "n_layers", kMaxLayers);
  non_negative(c.max_context, "max_context", kMaxContext);
  positive(c.embedding_scale, "embedding_scale");
  positive(c.logit_scale, "logit_scale");
  non_negative(c.final_softcap, "final_softcap");
  non_negative(c.mtp_layers, "mtp_layers", kMaxLayers);
}

void check_norm(const NormConfig& n) {
  positive(n.eps, "norm.eps");
  if (n.bias && n.kind != NormKind::LayerNorm) {
    fail("norm.bias", std::string("only layernorm has a bias, not ") + to_string(n.kind));
  }
}

template <class T>
void non_empty(const LayerPattern<T>& p, const std::string& path) {
  if (p.empty()) fail(path, "must list at least one layer kind");
}

Usage gather_usage(const ModelConfig& c) {
  Usage u;
  const auto n = static_cast<size_t>(c.n_layers);
  const auto& ap = c.attention.pattern;
  const auto& pp = c.position.pattern;
  for (size_t i = 0; i < n; ++i) {
    const AttentionKind a = ap[i % ap.size()];
    const PositionKind p = pp[i % pp.size()];
    u.attention[static_cast<int>(a)] = true;
    u.position[static_cast<int>(p)] = true;
    if (p == PositionKind::Rope && a != AttentionKind::Linear) {
      const bool local = a == AttentionKind::Sliding || a == AttentionKind::Chunked;
      (local && c.position.rope_local ? u.rope_local_used : u.rope_global_used) = true;
    }
  }
  return u;
}

void check_attention(const ModelConfig& c, const Usage& u) {
  const AttentionConfig& a = c.attention;
  positive(a.heads, "attention.heads");
  positive(a.kv_heads, "attention.kv_heads");
  if (a.heads % a.kv_heads != 0) {
    fail("attention.kv_heads", num(a.kv_heads) + " does not divide heads " + num(a.heads));
  }
  non_negative(a.head_dim, "attention.head_dim");
  if (uses(u, AttentionKind::Full) || uses(u, AttentionKind::Sliding) ||
      uses(u, AttentionKind::Chunked)) {
    positive(a.head_dim, "attention.head_dim");
  }
  non_negative(a.softcap, "attention.softcap");
  non_negative(a.scale, "attention.scale");
  non_negative(a.sliding_window, "attention.sliding_window", kMaxContext);
  if (uses(u, AttentionKind::Sliding)) {
    positive(a.sliding_window, "attention.sliding_window", kMaxContext);
  }
  non_negative(a.chunk_size, "attention.chunk_size", kMaxContext);
  if (uses(u, AttentionKind::Chunked)) positive(a.chunk_size, "attention.chunk_size", kMaxContext);

  const MlaConfig& m = a.mla;
  non_negative(m.q_lora_rank, "attention.mla.q_lora_rank");
  non_negative(m.kv_lora_rank, "attention.mla.kv_lora_rank");
  non_negative(m.qk_nope_head_dim, "attention.mla.qk_nope_head_dim");
  non_negative(m.qk_rope_head_dim, "attention.mla.qk_rope_head_dim");
  non_negative(m.v_head_dim, "attention.mla.v_head_dim");
  if (uses(u, AttentionKind::Mla)) {
    positive(m.kv_lora_rank, "attention.mla.kv_lora_rank");
    positive(m.qk_rope_head_dim, "attention.mla.qk_rope_head_dim");
    positive(m.v_head_dim, "attention.mla.v_head_dim");
    const int64_t qk = m.qk_nope_head_dim + m.qk_rope_head_dim;
    if (a.head_dim != 0 && a.head_dim != qk) {
      fail("attention.head_dim", "head dims inconsistent with MLA ranks: " + num(a.head_dim) +
                                     " != qk_nope_head_dim + qk_rope_head_dim = " + num(qk));
    }
  }

  const LinearAttentionConfig& l = a.linear;
  const std::pair<int64_t, const char*> linear_sizes[] = {
      {l.key_heads, "attention.linear.key_heads"},
      {l.value_heads, "attention.linear.value_heads"},
      {l.key_head_dim, "attention.linear.key_head_dim"},
      {l.value_head_dim, "attention.linear.value_head_dim"},
      {l.conv_kernel, "attention.linear.conv_kernel"}};
  for (const auto& [v, path] : linear_sizes) {
    if (uses(u, AttentionKind::Linear)) {
      positive(v, path);
    } else {
      non_negative(v, path);
    }
  }
  if (uses(u, AttentionKind::Linear) && l.value_heads % l.key_heads != 0) {
    fail("attention.linear.key_heads",
         num(l.key_heads) + " does not divide value_heads " + num(l.value_heads));
  }

  const TemperatureTuning& t = a.temperature_tuning;
  positive(t.floor_scale, "attention.temperature_tuning.floor_scale");
  finite(t.attn_scale, "attention.temperature_tuning.attn_scale");
}

void check_rope(const Rope& r, const std::string& path) {
  positive(r.theta, path + ".theta");
  finite(r.partial_rotary, path + ".partial_rotary");
  if (!(r.partial_rotary > 0 && r.partial_rotary <= 1)) {
    fail(path + ".partial_rotary", "must be in (0, 1], got " + num(r.partial_rotary));
  }
  const RopeScaling& s = r.scaling;
  const std::string sp = path + ".scaling";
  positive(s.factor, sp + ".factor");
  non_negative(s.original_max_position, sp + ".original_max_position", kMaxContext);
  if (s.kind == RopeScalingKind::Llama3 || s.kind == RopeScalingKind::Yarn) {
    positive(s.original_max_position, sp + ".original_max_position", kMaxContext);
  }
  positive(s.low_freq_factor, sp + ".low_freq_factor");
  positive(s.high_freq_factor, sp + ".high_freq_factor");
  // Llama 3 interpolates between the two wavelength bounds; equal factors (Llama 4 Scout) leave
  // that band empty, reversed ones make it negative.
  if (s.kind == RopeScalingKind::Llama3 && s.high_freq_factor < s.low_freq_factor) {
    fail(sp + ".high_freq_factor", "must be at least low_freq_factor " + num(s.low_freq_factor) +
                                       ", got " + num(s.high_freq_factor));
  }
  positive(s.beta_fast, sp + ".beta_fast");
  positive(s.beta_slow, sp + ".beta_slow");
  // YaRN's ramp runs from the beta_fast dim to the beta_slow dim; equal betas (Kimi K2) are
  // widened by the implementation, reversed ones invert the ramp.
  if (s.kind == RopeScalingKind::Yarn && s.beta_fast < s.beta_slow) {
    fail(sp + ".beta_fast",
         "must be at least beta_slow " + num(s.beta_slow) + ", got " + num(s.beta_fast));
  }
  non_negative(s.mscale, sp + ".mscale");
  non_negative(s.mscale_all_dim, sp + ".mscale_all_dim");
  non_negative(s.attention_factor, sp + ".attention_factor");
}

// RoPE rotates pairs of dims, so the rotated part of every head it touches must be even.
void check_rotated_dims(const Rope& r, int64_t head_dim, const char* head_dim_name,
                        const std::string& path) {
  const double rotated = static_cast<double>(head_dim) * r.partial_rotary;
  if (rotated < 2 || rotated != std::floor(rotated) || std::fmod(rotated, 2.0) != 0) {
    // Whole numbers print without ".0": "rotates 9 of head_dim 18".
    const bool whole = rotated == std::floor(rotated) && std::fabs(rotated) < 1e15;
    const std::string shown = whole ? num(static_cast<int64_t>(rotated)) : num(rotated);
    fail(path + ".partial_rotary", "rotates " + shown + " of " + head_dim_name + " " +
                                       num(head_dim) + "; the rotated dims must be a positive " +
                                       "even number");
  }
}

void check_position(const ModelConfig& c, const Usage& u) {
  const PositionConfig& p = c.position;
  if (uses(u, PositionKind::Learned)) {
    if (uses(u, PositionKind::Rope) || uses(u, PositionKind::NoPe)) {
      fail("position.pattern", "learned positions are added to the embeddings once, so every "
                               "layer must be learned, not mixed with rope or nope");
    }
    positive(c.max_context, "max_context", kMaxContext);
  }
  check_rope(p.rope, "position.rope");
  if (p.rope_local) check_rope(*p.rope_local, "position.rope_local");

  const AttentionConfig& a = c.attention;
  // Which rope applies to which attention kind mirrors expand_layers.
  const auto n = static_cast<size_t>(c.n_layers);
  for (size_t i = 0; i < n; ++i) {
    const AttentionKind k = a.pattern[i % a.pattern.size()];
    if (p.pattern[i % p.pattern.size()] != PositionKind::Rope || k == AttentionKind::Linear) continue;
    const bool local = (k == AttentionKind::Sliding || k == AttentionKind::Chunked) && p.rope_local;
    const Rope& r = local ? *p.rope_local : p.rope;
    const std::string path = local ? "position.rope_local" : "position.rope";
    if (k == AttentionKind::Mla) {
      check_rotated_dims(r, a.mla.qk_rope_head_dim, "qk_rope_head_dim", path);
    } else {
      check_rotated_dims(r, a.head_dim, "head_dim", path);
    }
  }
}

void check_ffn(const FfnConfig& f, const Usage& u) {
  non_negative(f.d_ff, "ffn.d_ff");
  if (u.any_dense) positive(f.d_ff, "ffn.d_ff");
  positive(f.clamp_limit, "ffn.clamp_limit");
  positive(f.glu_alpha, "ffn.glu_alpha");
}

void check_moe(const ModelConfig& c, Usage& u) {
  const MoeConfig& m = c.moe;
  non_negative(m.experts, "moe.experts");
  non_negative(m.top_k, "moe.top_k");
  non_negative(m.expert_d_ff, "moe.expert_d_ff");
  non_negative(m.shared_experts, "moe.shared_experts");
  non_negative(m.shared_d_ff, "moe.shared_d_ff");
  positive(m.groups, "moe.groups");
  positive(m.top_groups, "moe.top_groups");
  positive(m.routed_scaling, "moe.routed_scaling");
  positive(m.interleave, "moe.interleave", kMaxLayers);
  non_negative(m.first_dense, "moe.first_dense", kMaxLayers);

  u.dense_listed.assign(static_cast<size_t>(c.n_layers), false);
  for (size_t i = 0; i < m.dense_layers.size(); ++i) {
    const int64_t d = m.dense_layers[i];
    const std::string path = "moe.dense_layers[" + std::to_string(i) + "]";
    if (d < 0 || d >= c.n_layers) {
      fail(path, "layer " + num(d) + " outside [0, n_layers " + num(c.n_layers) + ")");
    }
    if (u.dense_listed[static_cast<size_t>(d)]) fail(path, "layer " + num(d) + " listed twice");
    u.dense_listed[static_cast<size_t>(d)] = true;
  }

  if (m.experts == 0) {
    // Routing fields without experts would be silently ignored: almost certainly a mistake.
    if (m.top_k != 0) fail("moe.top_k", "set to " + num(m.top_k) + " but moe.experts is 0");
    if (m.shared_experts != 0) {
      fail("moe.shared_experts", "set to " + num(m.shared_experts) + " but moe.experts is 0");
    }
    u.any_dense = true;
    return;
  }
  if (m.top_k < 1 || m.top_k > m.experts) {
    fail("moe.top_k", "must be in [1, experts " + num(m.experts) + "], got " + num(m.top_k));
  }
  positive(m.expert_d_ff, "moe.expert_d_ff");
  if (m.shared_experts > 0) positive(m.shared_d_ff, "moe.shared_d_ff");
  if (m.shared_gate && m.shared_experts == 0) {
    fail("moe.shared_gate", "gates the shared experts, but moe.shared_experts is 0");
  }
  if (m.experts % m.groups != 0) {
    fail("moe.groups", num(m.groups) + " does not divide experts " + num(m.experts));
  }
  if (m.top_groups > m.groups) {
    fail("moe.top_groups", num(m.top_groups) + " exceeds groups " + num(m.groups));
  }
  const int64_t eligible = m.top_groups * (m.experts / m.groups);
  if (m.top_k > eligible) {
    fail("moe.top_k", num(m.top_k) + " exceeds the " + num(eligible) +
                          " experts in the top " + num(m.top_groups) + " groups");
  }
  for (int64_t i = 0; i < c.n_layers; ++i) {
    const bool moe = i >= m.first_dense && (i + 1) % m.interleave == 0 &&
                     !u.dense_listed[static_cast<size_t>(i)];
    (moe ? u.any_moe : u.any_dense) = true;
  }
  if (!u.any_moe) {
    fail("moe.experts", num(m.experts) + " experts, but first_dense / interleave / dense_layers "
                                         "leave no MoE layer");
  }
}

}  // namespace

void validate(const ModelConfig& config) {
  check_model(config);
  check_norm(config.norm);
  non_empty(config.attention.pattern, "attention.pattern");
  non_empty(config.position.pattern, "position.pattern");
  Usage usage = gather_usage(config);
  check_attention(config, usage);
  check_position(config, usage);
  // The FFN rule depends on which layers are dense, which the MoE fields decide.
  Usage moe_usage = usage;
  check_moe(config, moe_usage);
  check_ffn(config.ffn, moe_usage);
}

}  // namespace archscope
