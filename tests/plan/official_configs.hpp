// Model configurations built in C++ from the official config.json files (each number cites its
// source), so the plan's exact figures are checked against published counts without depending on
// the JSON loader or the presets.
#pragma once

#include "config/model_config.hpp"

namespace archscope::test {

// meta-llama/Meta-Llama-3-8B, config.json: hidden_size 4096, intermediate_size 14336,
// num_hidden_layers 32, num_attention_heads 32, num_key_value_heads 8, vocab_size 128256,
// rope_theta 500000, rms_norm_eps 1e-5, max_position_embeddings 8192, tie_word_embeddings false.
inline ModelConfig llama3_8b() {
  ModelConfig c;
  c.name = "Meta-Llama-3-8B";
  c.family = "llama3";
  c.vocab_size = 128256;
  c.d_model = 4096;
  c.n_layers = 32;
  c.max_context = 8192;
  c.norm.eps = 1e-5;
  c.attention.heads = 32;
  c.attention.kv_heads = 8;
  c.attention.head_dim = 128;  // hidden_size / num_attention_heads
  c.position.rope.theta = 500000;
  c.ffn.d_ff = 14336;
  return c;
}

// mistralai/Mixtral-8x7B-v0.1, config.json: hidden_size 4096, intermediate_size 14336,
// num_hidden_layers 32, num_attention_heads 32, num_key_value_heads 8, vocab_size 32000,
// num_local_experts 8, num_experts_per_tok 2, rope_theta 1e6, max_position_embeddings 32768.
inline ModelConfig mixtral_8x7b() {
  ModelConfig c;
  c.name = "Mixtral-8x7B-v0.1";
  c.family = "mixtral";
  c.vocab_size = 32000;
  c.d_model = 4096;
  c.n_layers = 32;
  c.max_context = 32768;
  c.norm.eps = 1e-5;
  c.attention.heads = 32;
  c.attention.kv_heads = 8;
  c.attention.head_dim = 128;
  c.position.rope.theta = 1e6;
  c.ffn.d_ff = 14336;
  c.moe.experts = 8;
  c.moe.top_k = 2;
  c.moe.expert_d_ff = 14336;
  c.moe.renormalize = true;  // softmax over the top-2 logits
  return c;
}

// deepseek-ai/DeepSeek-V3, config.json: hidden_size 7168, intermediate_size 18432,
// moe_intermediate_size 2048, num_hidden_layers 61, num_attention_heads 128,
// num_key_value_heads 128, q_lora_rank 1536, kv_lora_rank 512, qk_nope_head_dim 128,
// qk_rope_head_dim 64, v_head_dim 128, n_routed_experts 256, num_experts_per_tok 8,
// n_shared_experts 1, first_k_dense_replace 3, moe_layer_freq 1, scoring_func sigmoid,
// topk_method noaux_tc (e_score_correction_bias), n_group 8, topk_group 4, norm_topk_prob true,
// routed_scaling_factor 2.5, vocab_size 129280, tie_word_embeddings false,
// max_position_embeddings 163840, rope_theta 10000, rope_scaling yarn factor 40
// original_max_position_embeddings 4096 beta_fast 32 beta_slow 1 mscale 1 mscale_all_dim 1,
// num_nextn_predict_layers 1.
inline ModelConfig deepseek_v3() {
  ModelConfig c;
  c.name = "DeepSeek-V3";
  c.family = "deepseek-v3";
  c.vocab_size = 129280;
  c.d_model = 7168;
  c.n_layers = 61;
  c.max_context = 163840;
  c.mtp_layers = 1;
  c.attention.pattern = {AttentionKind::Mla};
  c.attention.heads = 128;
  c.attention.kv_heads = 128;
  c.attention.head_dim = 192;  // qk_nope_head_dim + qk_rope_head_dim
  c.attention.mla = {1536, 512, 128, 64, 128};
  c.position.rope.theta = 10000;
  c.position.rope.interleaved = true;
  c.position.rope.scaling.kind = RopeScalingKind::Yarn;
  c.position.rope.scaling.factor = 40;
  c.position.rope.scaling.original_max_position = 4096;
  c.position.rope.scaling.mscale = 1.0;
  c.position.rope.scaling.mscale_all_dim = 1.0;
  c.ffn.d_ff = 18432;
  c.moe.experts = 256;
  c.moe.top_k = 8;
  c.moe.expert_d_ff = 2048;
  c.moe.shared_experts = 1;
  c.moe.shared_d_ff = 2048;
  c.moe.scoring = RouterScoring::Sigmoid;
  c.moe.renormalize = true;
  c.moe.selection_bias = true;
  c.moe.groups = 8;
  c.moe.top_groups = 4;
  c.moe.routed_scaling = 2.5;
  c.moe.first_dense = 3;
  return c;
}

// openai-community/gpt2, config.json: n_embd 768, n_layer 12, n_head 12, vocab_size 50257,
// n_positions 1024, n_inner null (4 × 768), activation_function gelu_new, layer_norm_epsilon 1e-5;
// tied LM head, biases on every projection and LayerNorm.
inline ModelConfig gpt2_small() {
  ModelConfig c;
  c.name = "gpt2";
  c.family = "gpt2";
  c.vocab_size = 50257;
  c.d_model = 768;
  c.n_layers = 12;
  c.max_context = 1024;
  c.tied_embeddings = true;
  c.norm.kind = NormKind::LayerNorm;
  c.norm.eps = 1e-5;
  c.norm.bias = true;
  c.attention.heads = 12;
  c.attention.kv_heads = 12;
  c.attention.head_dim = 64;
  c.attention.qkv_bias = true;
  c.attention.out_bias = true;
  c.position.pattern = {PositionKind::Learned};
  c.ffn.kind = FfnKind::Gelu;
  c.ffn.d_ff = 3072;
  c.ffn.bias = true;
  return c;
}

}  // namespace archscope::test
