// Shared by the config tests: small valid configs to mutate, and error capture.
#pragma once

#include <cmath>
#include <functional>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "config/model_config.hpp"

namespace archscope::test {

// A tiny valid dense Llama-like model.
inline ModelConfig small_dense() {
  ModelConfig c;
  c.name = "tiny";
  c.vocab_size = 1000;
  c.d_model = 64;
  c.n_layers = 4;
  c.max_context = 2048;
  c.attention.heads = 4;
  c.attention.kv_heads = 2;
  c.attention.head_dim = 16;
  c.ffn.d_ff = 256;
  return c;
}

// Every field differs from its C++ default, and every attention kind appears.
inline ModelConfig rich() {
  ModelConfig c;
  c.name = "rich \"model\" \u00e9";
  c.family = "test-family";
  c.source = "unit test";
  c.vocab_size = 151936;
  c.d_model = 3072;
  c.n_layers = 12;
  c.max_context = 131072;
  c.tied_embeddings = true;
  c.embedding_scale = std::sqrt(3072.0);  // not a short decimal: checks exact double round trip
  c.logit_scale = 0.1 + 0.2;
  c.final_softcap = 30.0;
  c.mtp_layers = 1;
  c.norm = {NormKind::LayerNorm, 1e-5, NormPlacement::Sandwich, true};
  AttentionConfig& a = c.attention;
  a.pattern = {AttentionKind::Sliding, AttentionKind::Sliding, AttentionKind::Chunked,
               AttentionKind::Mla,     AttentionKind::Linear,  AttentionKind::Full};
  a.heads = 24;
  a.kv_heads = 8;
  a.head_dim = 192;
  a.qkv_bias = a.out_bias = a.sinks = a.output_gate = true;
  a.softcap = 50.0;
  a.scale = 1.0 / 3.0;
  a.qk_norm = QkNormKind::L2;
  a.qk_norm_rope_layers_only = true;
  a.sliding_window = 4096;
  a.chunk_size = 8192;
  a.mla = {1536, 512, 128, 64, 128};
  a.linear = {16, 32, 128, 128, 4};
  a.temperature_tuning = {true, 4096.0, 0.2};
  PositionConfig& p = c.position;
  p.pattern = {PositionKind::Rope, PositionKind::Rope, PositionKind::NoPe};
  p.rope.theta = 1e6;
  p.rope.partial_rotary = 0.5;
  p.rope.interleaved = true;
  p.rope.scaling = {RopeScalingKind::Yarn, 40.0, 4096, 2.0, 8.0, 16.0, 2.0, 0.707, 1.0, 1.25, false};
  Rope local;
  local.theta = 1e4 + 0.5;
  local.partial_rotary = 0.25;
  local.scaling.kind = RopeScalingKind::Linear;
  local.scaling.factor = 8.0;
  p.rope_local = local;
  c.ffn = {FfnKind::SwiGluClamped, 8192, true, false, 10.5, 1.5};
  MoeConfig& m = c.moe;
  m.experts = 64;
  m.top_k = 6;
  m.expert_d_ff = 1408;
  m.shared_experts = 2;
  m.shared_d_ff = 2816;
  m.shared_gate = true;
  m.scoring = RouterScoring::Sigmoid;
  m.renormalize = m.selection_bias = m.router_bias = m.expert_bias = m.weight_input = true;
  m.groups = 8;
  m.top_groups = 4;
  m.routed_scaling = 2.5;
  m.first_dense = 1;
  m.interleave = 2;
  m.dense_layers = {5};
  return c;
}

// The Error a call throws, or nullopt when it does not throw.
inline std::optional<Error> error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace archscope::test
