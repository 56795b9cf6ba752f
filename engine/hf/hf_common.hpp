// Building blocks shared by the per-family importers: the fields every decoder config has, the
// RoPE forms of transformers 4.x and 5.x, and turning per-layer lists into archscope patterns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/limits.hpp"
#include "config/model_config.hpp"
#include "hf/hf_reader.hpp"

namespace archscope::hf {

// transformers' per-class defaults for keys a published config.json may omit (Gemma 3's omits
// most of them). A value of 0 / nullopt means "required".
struct CoreDefaults {
  int64_t vocab_size = 0;
  int64_t max_position = 0;
  double rms_eps = 1e-6;
  double rope_theta = 10000.0;
  bool tied_embeddings = false;
  std::optional<int64_t> head_dim;  // nullopt: hidden_size / num_attention_heads
};

// vocab, d_model, layers, heads, kv heads, head_dim, context, norm eps, tied embeddings, d_ff.
void read_core(const Reader& r, const CoreDefaults& d, ModelConfig& c);

// hidden_act / hidden_activation of a gated FFN: silu → SwiGLU, gelu* → GeGLU.
void read_gated_activation(const Reader& r, const std::string& fallback, FfnConfig& ffn);

// What Gemma 2 and Gemma 3 share: read_core, GeGLU (tanh), (1 + w) RMSNorms around both
// sub-blocks, embeddings scaled by sqrt(hidden_size), attention_bias, and the softmax scale
// query_pre_attn_scalar^-0.5.
void read_gemma_core(const Reader& r, const CoreDefaults& d, ModelConfig& c);

// A per-layer RoPE description: the global one and, when rope_parameters is keyed by layer type
// (transformers 5.x Gemma 3), the one of sliding / chunked layers.
struct RopeRead {
  Rope global;
  std::optional<Rope> local;
};

// Reads rope_theta + rope_scaling (4.x, "type" or "rope_type") or rope_parameters (5.x, flat or
// per layer type) and partial_rotary_factor (top level or inside the rope parameters).
RopeRead read_rope(const Reader& r, double default_theta, double default_partial = 1.0);

// One attention kind per layer from layer_types ("full_attention", "sliding_attention",
// "chunked_attention", "linear_attention"); it must list exactly n_layers entries.
std::vector<AttentionKind> read_layer_types(const Reader& r, int64_t n_layers);

// The shortest cyclic pattern that reproduces `per_layer` when repeated and cut.
template <class T>
LayerPattern<T> compress_pattern(const std::vector<T>& per_layer) {
  const size_t n = per_layer.size();
  for (size_t p = 1; p < n; ++p) {
    bool ok = true;
    for (size_t i = p; i < n && ok; ++i) ok = per_layer[i] == per_layer[i % p];
    if (ok) return LayerPattern<T>(per_layer.begin(), per_layer.begin() + p);
  }
  return per_layer;
}

// Expresses an arbitrary set of MoE layers with first_dense / interleave / dense_layers, choosing
// the form with the fewest explicit exceptions. No MoE layer at all is an error of the caller.
void place_moe_layers(MoeConfig& moe, const std::vector<bool>& is_moe);

// A sliding window read from `key`, which must be positive.
int64_t read_window(const Reader& r, const std::string& key);

}  // namespace archscope::hf
