// The words of the diagram: what a layer does, in the terms papers and model cards use.
#include <cmath>

#include "diagram/block_diagram.hpp"
#include "report/text_format.hpp"

namespace archscope::diagram {

namespace {

using text::grouped;

std::string g(int64_t v) {
  return grouped(static_cast<uint64_t>(v < 0 ? 0 : v));
}

// 500000 -> "500k", 1000000 -> "1M", 10000 -> "10k", 1e6 -> "1M"
std::string short_number(double v) {
  if (v >= 1e6 && std::fmod(v, 1e5) == 0)
    return text::fixed(v / 1e6, std::fmod(v, 1e6) == 0 ? 0 : 1) + "M";
  if (v >= 1e3 && std::fmod(v, 100) == 0)
    return text::fixed(v / 1e3, std::fmod(v, 1e3) == 0 ? 0 : 1) + "k";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  return nlohmann::json(v).dump();
}

std::string head_sharing(const AttentionConfig& a) {
  if (a.kv_heads == a.heads) return "MHA";
  if (a.kv_heads == 1) return "MQA";
  return "GQA";
}

std::string attention_line(const ModelConfig& c, const LayerSpec& l) {
  const AttentionConfig& a = c.attention;
  const std::string heads =
      g(a.heads) + " q heads / " + g(a.kv_heads) + " KV heads · head dim " + g(a.head_dim);
  switch (l.attention) {
    case AttentionKind::Full:
      return head_sharing(a) + " full attention · " + heads;
    case AttentionKind::Sliding:
      return head_sharing(a) + " sliding window " + g(a.sliding_window) + " · " + heads;
    case AttentionKind::Chunked:
      return head_sharing(a) + " chunked attention, " + g(a.chunk_size) + "-token chunks · " +
             heads;
    case AttentionKind::Mla: {
      const MlaConfig& m = a.mla;
      std::string s = "MLA · " + g(a.heads) + " heads · KV latent " + g(m.kv_lora_rank) +
                      " + RoPE key " + g(m.qk_rope_head_dim);
      s += m.q_lora_rank > 0 ? " · q rank " + g(m.q_lora_rank) : " · plain q";
      return s;
    }
    case AttentionKind::Linear: {
      const LinearAttentionConfig& n = a.linear;
      return "Gated DeltaNet linear attention · " + g(n.key_heads) + " key / " + g(n.value_heads) +
             " value heads · dims " + g(n.key_head_dim) + "/" + g(n.value_head_dim) + " · conv " +
             g(n.conv_kernel);
    }
  }
  return "";
}

std::string rope_text(const Rope& r) {
  std::string s = "RoPE θ " + short_number(r.theta);
  if (r.partial_rotary < 1.0) s += " on " + text::fixed(r.partial_rotary * 100, 0) + "% of dims";
  if (r.interleaved) s += " (interleaved)";
  if (r.scaling.kind != RopeScalingKind::None) {
    s += std::string(" · ") + to_string(r.scaling.kind) + " ×" + short_number(r.scaling.factor);
    if (r.scaling.original_max_position > 0) s += " from " + g(r.scaling.original_max_position);
  }
  return s;
}

std::string position_line(const ModelConfig& c, const LayerSpec& l) {
  if (l.attention == AttentionKind::Linear) return "no positions (the recurrence orders tokens)";
  switch (l.position) {
    case PositionKind::Rope:
      return l.rope ? rope_text(*l.rope) : rope_text(c.position.rope);
    case PositionKind::NoPe:
      return c.attention.temperature_tuning.enabled ? "NoPE · temperature tuning" : "NoPE";
    case PositionKind::Learned:
      return "learned absolute positions (added to the embedding)";
  }
  return "";
}

std::string norm_line(const ModelConfig& c) {
  const char* kind = c.norm.kind == NormKind::LayerNorm ? "LayerNorm"
                     : c.norm.kind == NormKind::RmsNorm ? "RMSNorm"
                                                        : "RMSNorm (1 + w)";
  switch (c.norm.placement) {
    case NormPlacement::Pre:
      return std::string("pre-norm ") + kind;
    case NormPlacement::Post:
      return std::string("post-norm ") + kind + " (inside the residual)";
    case NormPlacement::Sandwich:
      return std::string("sandwich ") + kind + " (before and after each block)";
  }
  return kind;
}

std::string ffn_name(FfnKind k) {
  switch (k) {
    case FfnKind::SwiGlu:
      return "SwiGLU";
    case FfnKind::GeGlu:
      return "GeGLU";
    case FfnKind::Gelu:
      return "GELU";
    case FfnKind::Relu:
      return "ReLU";
    case FfnKind::SwiGluClamped:
      return "clamped SwiGLU";
  }
  return "";
}

}  // namespace

std::vector<Line> layer_lines(const ModelConfig& c, const LayerSpec& l) {
  std::vector<Line> lines;
  lines.push_back({"attention", attention_line(c, l)});
  lines.push_back({"position", position_line(c, l)});
  std::vector<std::string> extras;
  if (l.qk_norm && c.attention.qk_norm != QkNormKind::None)
    extras.push_back(c.attention.qk_norm == QkNormKind::PerHead      ? "QK-norm per head"
                     : c.attention.qk_norm == QkNormKind::Projection ? "QK-norm on the projections"
                                                                     : "L2 QK-norm");
  if (c.attention.sinks) extras.push_back("attention sinks");
  if (c.attention.output_gate) extras.push_back("output gate");
  if (c.attention.softcap > 0)
    extras.push_back("logit soft-cap " + short_number(c.attention.softcap));
  if (c.attention.qkv_bias) extras.push_back("QKV bias");
  if (!extras.empty()) {
    std::string s;
    for (const auto& e : extras) s += (s.empty() ? "" : " · ") + e;
    lines.push_back({"attention_extras", s});
  }
  lines.push_back({"norm", norm_line(c)});
  if (l.moe) {
    const MoeConfig& m = c.moe;
    std::string s = ffn_name(c.ffn.kind) + " MoE · " + g(m.experts) + " experts, top-" +
                    g(m.top_k) + " · expert d_ff " + g(m.expert_d_ff);
    if (m.shared_experts > 0)
      s += " · +" + g(m.shared_experts) + " shared (d_ff " + g(m.shared_d_ff) + ")";
    lines.push_back({"ffn", s});
    std::string r = std::string(to_string(m.scoring)) + " router";
    if (m.groups > 1) r += " · " + g(m.top_groups) + " of " + g(m.groups) + " groups";
    if (m.selection_bias) r += " · selection bias";
    if (m.renormalize) r += " · renormalised";
    if (m.routed_scaling != 1.0) r += " · scaled ×" + short_number(m.routed_scaling);
    lines.push_back({"router", r});
  } else {
    lines.push_back({"ffn", ffn_name(c.ffn.kind) + " FFN · d_ff " + g(c.ffn.d_ff)});
  }
  return lines;
}

std::string params_text(uint64_t v) {
  return text::params_short(v);
}
std::string bytes_text(uint64_t v) {
  return text::binary_bytes(static_cast<double>(v));
}

}  // namespace archscope::diagram
