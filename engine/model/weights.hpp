// Model weights in the backend's memory, in the layouts the forward pass consumes (which are not
// always the checkpoint's: fused or interleaved HF tensors are split or reordered at load time so
// every op reads a dense tensor). Matrices are at the chosen weight dtype; norm weights, biases,
// sinks, gates' scalars and the router's selection bias stay F32 (the ops read them as F32).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "backend/backend.hpp"
#include "config/layer_range.hpp"
#include "config/model_config.hpp"
#include "model/weight_quant.hpp"

namespace archscope {

// A feed-forward block (dense FFN, one expert, or the shared experts). Gated kinds fuse gate and
// up into `gate_up` [2F, d] (halves, or interleaved for gpt-oss); plain kinds use `up` [F, d].
struct FfnWeights {
  Tensor gate_up, gate_up_bias;  // gated kinds
  Tensor up, up_bias;            // GELU / ReLU
  Tensor down, down_bias;        // [d, F]
  bool interleaved = false;      // gate/up interleaved rows (gpt-oss)
};

struct AttentionWeights {
  // Softmax attention (full / sliding / chunked).
  // qkv: q | q_gate | k | v stacked by rows ([(2H if gated else H)*hd + 2*Hk*hd, d]; a decode
  // row runs it as one linear); q, q_gate, k, v and their biases are row views of qkv / qkv_bias.
  Tensor qkv, qkv_bias;
  Tensor q, k, v, o;             // [H*hd, d], [Hk*hd, d], [Hk*hd, d], [d, H*hd]
  Tensor q_bias, k_bias, v_bias, o_bias;
  Tensor q_gate;                 // Qwen3-Next output gate rows of q_proj: [H*hd, d]
  Tensor q_norm, k_norm;         // [hd] (per head) or [H*hd] / [Hk*hd] (projection)
  Tensor sinks;                  // [H]
  // MLA. q_b is q_b_proj (or q_proj without a q LoRA): per head [nope | rope] rows.
  Tensor q_a, q_a_norm, q_b;
  Tensor kv_a_latent, kv_a_rope;  // kv_a_proj_with_mqa split: [L, d], [rope, d]
  Tensor kv_a_norm;               // [L]
  Tensor kv_b_k, kv_b_v;          // kv_b_proj split: [H*nope, L], [H*v, L]
  Tensor absorb_q;                // W_uk^T per head, stacked: [H, L, nope] (absorbed q)
  Tensor absorb_out;              // W_uv per head: [H, v, L], a view of kv_b_v (absorbed output)
  // Gated DeltaNet; in_proj_qkvz / in_proj_ba split per part (HF groups them per key head).
  Tensor lin_q, lin_k, lin_v, lin_z, lin_b, lin_a;  // [kd, d], [kd, d], [vd, d], [vd, d], [Hv, d] x2
  Tensor conv_q, conv_k, conv_v;                    // [channels, kernel]
  Tensor a_log, dt_bias;                            // [Hv]
  Tensor lin_norm;                                  // [dv]
};

// The routed experts, stacked per projection: expert e's matrix is row e of an [E, N, K] tensor,
// so one grouped_linear runs every expert on its rows. Layouts per expert as in FfnWeights.
struct ExpertWeights {
  Tensor gate_up, gate_up_bias;  // gated kinds: [E, 2F, d], [E, 2F]
  Tensor up, up_bias;            // GELU / ReLU: [E, F, d], [E, F]
  Tensor down, down_bias;        // [E, d, F], [E, d]
  bool interleaved = false;      // gate/up interleaved rows (gpt-oss)

  int64_t count() const { return down.defined() ? down.dim(0) : 0; }
  // Expert e as a dense FFN: views into the stacked tensors (no copy).
  FfnWeights expert(int64_t e) const;
};

struct MoeWeights {
  Tensor router, router_bias, selection_bias;  // [E, d], [E], [E]
  ExpertWeights experts;
  FfnWeights shared;                           // shared experts fused (S * shared_d_ff wide)
  Tensor shared_gate;                          // [1, d]
};

struct LayerWeights {
  Tensor input_norm, post_attn_norm, pre_ffn_norm, post_ffn_norm;  // as the placement needs
  Tensor input_norm_b, post_attn_norm_b, pre_ffn_norm_b, post_ffn_norm_b;  // LayerNorm bias
  AttentionWeights attn;
  FfnWeights ffn;  // dense layers
  MoeWeights moe;  // MoE layers
};

struct ModelWeights {
  Elem dtype = Elem::F32;  // matrices
  Tensor embedding;        // [V, d]
  Tensor positions;        // learned positions [max_context, d]
  // One entry per layer of the model; with a slice (config/layer_range.hpp) only the slice's
  // entries hold tensors, the others stay empty.
  std::vector<LayerWeights> layers;
  std::optional<LayerRange> slice;  // nullopt: every layer
  Tensor final_norm, final_norm_bias;
  Tensor lm_head;          // [V, d]; the embedding table when tied
  // The weight scheme the block linear weights were quantized to at load, and what it did to
  // each of them (weight_quant.hpp); no scheme: source precision.
  WeightQuantization quantization;
};

}  // namespace archscope
