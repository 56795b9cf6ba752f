// Configurations with windows, chunks and linear attention, from official config.json files,
// for the KV-cache tests.
#pragma once

#include <cmath>

#include "config/model_config.hpp"

namespace archscope::test {

// google/gemma-3-4b-pt, text_config: hidden_size 2560, num_hidden_layers 34,
// num_attention_heads 8, num_key_value_heads 4, head_dim 256, intermediate_size 10240,
// vocab_size 262208, sliding_window 1024, sliding_window_pattern 6 (5 local, 1 global),
// rope_theta 1e6 (global), rope_local_base_freq 10000, tied embeddings.
inline ModelConfig gemma3_4b() {
  ModelConfig c;
  c.name = "gemma-3-4b";
  c.vocab_size = 262208;
  c.d_model = 2560;
  c.n_layers = 34;
  c.max_context = 131072;
  c.tied_embeddings = true;
  c.embedding_scale = std::sqrt(2560.0);
  c.norm.kind = NormKind::RmsNormPlusOne;
  c.norm.placement = NormPlacement::Sandwich;
  c.attention.pattern = {AttentionKind::Sliding, AttentionKind::Sliding, AttentionKind::Sliding,
                         AttentionKind::Sliding, AttentionKind::Sliding, AttentionKind::Full};
  c.attention.heads = 8;
  c.attention.kv_heads = 4;
  c.attention.head_dim = 256;
  c.attention.sliding_window = 1024;
  c.attention.qk_norm = QkNormKind::PerHead;
  c.position.rope.theta = 1e6;
  c.position.rope_local = Rope{};
  c.position.rope_local->theta = 10000;
  c.ffn.kind = FfnKind::GeGlu;
  c.ffn.d_ff = 10240;
  return c;
}

// openai/gpt-oss-20b, config.json: hidden_size 2880, num_hidden_layers 24,
// num_attention_heads 64, num_key_value_heads 8, head_dim 64, sliding_window 128, layer_types
// alternating sliding_attention / full_attention, num_local_experts 32, num_experts_per_tok 4,
// intermediate_size 2880, vocab_size 201088, attention_bias true, swiglu_limit 7.0,
// rope_theta 150000 (yarn factor 32, original 4096), tie_word_embeddings false; attention sinks,
// router and expert biases.
inline ModelConfig gpt_oss_20b() {
  ModelConfig c;
  c.name = "gpt-oss-20b";
  c.vocab_size = 201088;
  c.d_model = 2880;
  c.n_layers = 24;
  c.max_context = 131072;
  c.attention.pattern = {AttentionKind::Sliding, AttentionKind::Full};
  c.attention.heads = 64;
  c.attention.kv_heads = 8;
  c.attention.head_dim = 64;
  c.attention.sliding_window = 128;
  c.attention.qkv_bias = true;
  c.attention.out_bias = true;
  c.attention.sinks = true;
  c.position.rope.theta = 150000;
  c.position.rope.scaling.kind = RopeScalingKind::Yarn;
  c.position.rope.scaling.factor = 32;
  c.position.rope.scaling.original_max_position = 4096;
  c.position.rope.scaling.truncate = false;
  c.ffn.kind = FfnKind::SwiGluClamped;
  c.ffn.d_ff = 2880;
  c.moe.experts = 32;
  c.moe.top_k = 4;
  c.moe.expert_d_ff = 2880;
  c.moe.router_bias = true;
  c.moe.expert_bias = true;
  return c;
}

// meta-llama/Llama-4-Scout-17B-16E, text_config: hidden_size 5120, num_hidden_layers 48,
// num_attention_heads 40, num_key_value_heads 8, head_dim 128, attention_chunk_size 8192,
// no_rope_layers: every 4th layer is NoPE with global attention, the others chunked RoPE;
// num_local_experts 16, num_experts_per_tok 1, intermediate_size 8192 (one shared expert),
// vocab_size 202048.
inline ModelConfig llama4_scout() {
  ModelConfig c;
  c.name = "Llama-4-Scout";
  c.vocab_size = 202048;
  c.d_model = 5120;
  c.n_layers = 48;
  c.max_context = 10485760;
  c.attention.pattern = {AttentionKind::Chunked, AttentionKind::Chunked, AttentionKind::Chunked,
                         AttentionKind::Full};
  c.position.pattern = {PositionKind::Rope, PositionKind::Rope, PositionKind::Rope,
                        PositionKind::NoPe};
  c.attention.heads = 40;
  c.attention.kv_heads = 8;
  c.attention.head_dim = 128;
  c.attention.chunk_size = 8192;
  c.attention.qk_norm = QkNormKind::L2;
  c.attention.qk_norm_rope_layers_only = true;
  c.attention.temperature_tuning.enabled = true;
  c.position.rope.theta = 500000;
  c.ffn.d_ff = 16384;
  c.moe.experts = 16;
  c.moe.top_k = 1;
  c.moe.expert_d_ff = 8192;
  c.moe.shared_experts = 1;
  c.moe.shared_d_ff = 8192;
  c.moe.scoring = RouterScoring::Sigmoid;
  c.moe.weight_input = true;
  return c;
}

// Qwen/Qwen3-Next-80B-A3B-Instruct, config.json: hidden_size 2048, num_hidden_layers 48,
// full_attention_interval 4 (3 linear, 1 full), num_attention_heads 16, num_key_value_heads 2,
// head_dim 256, partial_rotary_factor 0.25, linear_num_key_heads 16, linear_num_value_heads 32,
// linear_key_head_dim 128, linear_value_head_dim 128, linear_conv_kernel_dim 4, num_experts 512,
// num_experts_per_tok 10, moe_intermediate_size 512, shared_expert_intermediate_size 512,
// vocab_size 151936, rope_theta 1e7.
inline ModelConfig qwen3_next_80b() {
  ModelConfig c;
  c.name = "Qwen3-Next-80B-A3B";
  c.vocab_size = 151936;
  c.d_model = 2048;
  c.n_layers = 48;
  c.max_context = 262144;
  c.norm.kind = NormKind::RmsNormPlusOne;
  c.attention.pattern = {AttentionKind::Linear, AttentionKind::Linear, AttentionKind::Linear,
                         AttentionKind::Full};
  c.attention.heads = 16;
  c.attention.kv_heads = 2;
  c.attention.head_dim = 256;
  c.attention.output_gate = true;
  c.attention.qk_norm = QkNormKind::PerHead;
  c.attention.linear = {16, 32, 128, 128, 4};
  c.position.rope.theta = 1e7;
  c.position.rope.partial_rotary = 0.25;
  c.ffn.d_ff = 5120;
  c.moe.experts = 512;
  c.moe.top_k = 10;
  c.moe.expert_d_ff = 512;
  c.moe.shared_experts = 1;
  c.moe.shared_d_ff = 512;
  c.moe.shared_gate = true;
  c.moe.renormalize = true;
  return c;
}

}  // namespace archscope::test
