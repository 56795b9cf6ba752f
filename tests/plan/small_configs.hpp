// Tiny configurations for brute-force and hand counts: every feature switched on somewhere.
#pragma once

#include "config/model_config.hpp"

namespace archscope::test {

// Sliding (window 3), chunked (chunk 4) and full layers, GQA, biases, sinks, output gate,
// per-head qk-norm, sandwich norms, MoE with every bias and a gated shared expert after one
// dense layer. Hand count in test_accounting.cpp.
inline ModelConfig kitchen_sink() {
  ModelConfig c;
  c.name = "kitchen-sink";
  c.vocab_size = 50;
  c.d_model = 16;
  c.n_layers = 3;
  c.max_context = 64;
  c.norm.placement = NormPlacement::Sandwich;
  c.attention.pattern = {AttentionKind::Sliding, AttentionKind::Chunked, AttentionKind::Full};
  c.attention.heads = 4;
  c.attention.kv_heads = 2;
  c.attention.head_dim = 8;
  c.attention.qkv_bias = true;
  c.attention.out_bias = true;
  c.attention.sinks = true;
  c.attention.output_gate = true;
  c.attention.qk_norm = QkNormKind::PerHead;
  c.attention.sliding_window = 3;
  c.attention.chunk_size = 4;
  c.ffn.d_ff = 20;
  c.moe.experts = 4;
  c.moe.top_k = 2;
  c.moe.expert_d_ff = 12;
  c.moe.shared_experts = 1;
  c.moe.shared_d_ff = 10;
  c.moe.shared_gate = true;
  c.moe.router_bias = true;
  c.moe.expert_bias = true;
  c.moe.selection_bias = true;
  c.moe.first_dense = 1;
  return c;
}

// MLA with a q LoRA, tied embeddings, one dense layer.
inline ModelConfig tiny_mla() {
  ModelConfig c;
  c.name = "tiny-mla";
  c.vocab_size = 20;
  c.d_model = 16;
  c.n_layers = 1;
  c.max_context = 64;
  c.tied_embeddings = true;
  c.attention.pattern = {AttentionKind::Mla};
  c.attention.heads = 2;
  c.attention.kv_heads = 2;
  c.attention.mla = {8, 6, 4, 2, 3};  // q_lora, kv_lora, nope, rope, v
  c.ffn.d_ff = 10;
  return c;
}

// Gated DeltaNet layer followed by a full-attention layer.
inline ModelConfig tiny_linear() {
  ModelConfig c;
  c.name = "tiny-linear";
  c.vocab_size = 10;
  c.d_model = 16;
  c.n_layers = 2;
  c.max_context = 64;
  c.attention.pattern = {AttentionKind::Linear, AttentionKind::Full};
  c.attention.heads = 2;
  c.attention.kv_heads = 1;
  c.attention.head_dim = 4;
  c.attention.linear = {2, 4, 3, 2, 4};  // key heads, value heads, key dim, value dim, kernel
  c.ffn.d_ff = 8;
  return c;
}

}  // namespace archscope::test
