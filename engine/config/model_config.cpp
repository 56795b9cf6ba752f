#include "config/model_config.hpp"

#include <vector>

namespace archscope {

const char* to_string(AttentionKind v) {
  switch (v) {
    case AttentionKind::Full: return "full";
    case AttentionKind::Sliding: return "sliding";
    case AttentionKind::Chunked: return "chunked";
    case AttentionKind::Mla: return "mla";
    case AttentionKind::Linear: return "linear";
  }
  return "?";
}

const char* to_string(PositionKind v) {
  switch (v) {
    case PositionKind::Rope: return "rope";
    case PositionKind::NoPe: return "nope";
    case PositionKind::Learned: return "learned";
  }
  return "?";
}

const char* to_string(RopeScalingKind v) {
  switch (v) {
    case RopeScalingKind::None: return "none";
    case RopeScalingKind::Linear: return "linear";
    case RopeScalingKind::Llama3: return "llama3";
    case RopeScalingKind::Yarn: return "yarn";
  }
  return "?";
}

const char* to_string(NormKind v) {
  switch (v) {
    case NormKind::RmsNorm: return "rmsnorm";
    case NormKind::LayerNorm: return "layernorm";
    case NormKind::RmsNormPlusOne: return "rmsnorm_plus_one";
  }
  return "?";
}

const char* to_string(NormPlacement v) {
  switch (v) {
    case NormPlacement::Pre: return "pre";
    case NormPlacement::Post: return "post";
    case NormPlacement::Sandwich: return "sandwich";
  }
  return "?";
}

const char* to_string(QkNormKind v) {
  switch (v) {
    case QkNormKind::None: return "none";
    case QkNormKind::PerHead: return "per_head";
    case QkNormKind::Projection: return "projection";
    case QkNormKind::L2: return "l2";
  }
  return "?";
}

const char* to_string(FfnKind v) {
  switch (v) {
    case FfnKind::SwiGlu: return "swiglu";
    case FfnKind::GeGlu: return "geglu";
    case FfnKind::Gelu: return "gelu";
    case FfnKind::Relu: return "relu";
    case FfnKind::SwiGluClamped: return "swiglu_clamped";
  }
  return "?";
}

const char* to_string(RouterScoring v) {
  switch (v) {
    case RouterScoring::Softmax: return "softmax";
    case RouterScoring::Sigmoid: return "sigmoid";
  }
  return "?";
}

bool is_moe_layer(const ModelConfig& config, int64_t layer) {
  const MoeConfig& m = config.moe;
  // The guards keep an invalid config (interleave 0) from dividing by zero.
  if (m.experts <= 0 || m.interleave < 1 || layer < 0 || layer < m.first_dense) return false;
  if ((layer + 1) % m.interleave != 0) return false;
  for (int64_t d : m.dense_layers) {
    if (d == layer) return false;
  }
  return true;
}

std::vector<LayerSpec> expand_layers(const ModelConfig& config) {
  // Validating first makes the pattern indexing and the allocation below safe for any input.
  validate(config);
  const AttentionConfig& att = config.attention;
  const PositionConfig& pos = config.position;
  const MoeConfig& moe = config.moe;
  const auto n = static_cast<size_t>(config.n_layers);

  // dense_layers as a lookup table: is_moe_layer per layer would be quadratic.
  std::vector<bool> listed_dense(n, false);
  for (int64_t d : moe.dense_layers) listed_dense[static_cast<size_t>(d)] = true;

  std::vector<LayerSpec> layers(n);
  for (size_t i = 0; i < n; ++i) {
    LayerSpec& l = layers[i];
    l.index = static_cast<int64_t>(i);
    l.attention = att.pattern[i % att.pattern.size()];
    l.position = pos.pattern[i % pos.pattern.size()];
    const bool local = l.attention == AttentionKind::Sliding || l.attention == AttentionKind::Chunked;
    if (l.position == PositionKind::Rope) {
      l.rope = local && pos.rope_local ? &*pos.rope_local : &pos.rope;
    }
    if (l.attention == AttentionKind::Sliding) l.window = att.sliding_window;
    if (l.attention == AttentionKind::Chunked) l.window = att.chunk_size;
    l.moe = moe.experts > 0 && l.index >= moe.first_dense && (l.index + 1) % moe.interleave == 0 &&
            !listed_dense[i];
    l.qk_norm = att.qk_norm != QkNormKind::None &&
                (!att.qk_norm_rope_layers_only || l.position == PositionKind::Rope);
  }
  return layers;
}

}  // namespace archscope
