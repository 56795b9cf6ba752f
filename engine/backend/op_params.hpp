// Parameters of the backend ops, kept apart from model-config types so a backend depends on what
// an op needs, not on how a model is described. The forward pass maps ModelConfig onto these.
#pragma once

#include <cstdint>

#include "backend/tensor.hpp"

namespace archscope {

enum class NormOp {
  Rms,         // x / rms(x) * w
  RmsPlusOne,  // x / rms(x) * (1 + w)   (Gemma 3, Qwen3-Next)
  Layer,       // (x - mean) / sqrt(var + eps) * w (+ b)
  L2,          // x / sqrt(sum(x^2) + eps), no weight (Llama 4 qk-norm)
};

struct NormParams {
  NormOp op = NormOp::Rms;
  float eps = 1e-6f;
  // Normalised span: every `width` consecutive elements form one row, so the same op serves the
  // model width, one head (per-head qk-norm: width = head_dim) or a whole projection.
  int64_t width = 0;
};

// Elementwise activations.
enum class Activation { GeluTanh, GeluExact, Relu, Silu, Sigmoid };

// Gated linear units over a fused [tokens, 2 * F] gate/up tensor.
enum class GluKind {
  SwiGlu,         // silu(gate) * up
  GeGluTanh,      // gelu_tanh(gate) * up
  GeGluExact,     // gelu(gate) * up
  SwiGluClamped,  // gpt-oss: see glu.cpp
};
enum class GluLayout {
  Halves,       // gate = [:, :F], up = [:, F:]
  Interleaved,  // gate = [:, 0::2], up = [:, 1::2]   (gpt-oss gate_up_proj)
};
struct GluParams {
  GluKind kind = GluKind::SwiGlu;
  GluLayout layout = GluLayout::Halves;
  float limit = 7.0f;    // SwiGluClamped
  float alpha = 1.702f;  // SwiGluClamped
};

// RoPE application to q or k laid out [tokens, heads, head_dim]. The rotated span is
// [rot_offset, rot_offset + rot_dim) of each head (MLA puts the rope part after the nope part);
// the rest passes through. cos/sin tables are [positions, rot_dim / 2] (engine/rope).
struct RopeApplyParams {
  int64_t head_dim = 0;
  int64_t rot_offset = 0;
  int64_t rot_dim = 0;
  // false: rotate (i, i + rot_dim/2) pairs (HF rotate_half). true: rotate (2i, 2i+1) pairs
  // (GPT-J / DeepSeek rope_interleave; HF permutes to halves afterwards, which leaves q.k unchanged).
  bool interleaved = false;
};

enum class AttentionMask {
  Causal,   // keys at positions <= the query's
  Sliding,  // causal and query_pos - key_pos < window
  Chunked,  // causal and in the same chunk of `window` tokens (Llama 4 local layers)
};

struct AttentionParams {
  AttentionMask mask = AttentionMask::Causal;
  int64_t window = 0;   // Sliding: window, Chunked: chunk size
  float scale = 0.0f;   // 0: 1 / sqrt(qk head dim)
  float softcap = 0.0f; // cap * tanh(s / cap) on the scaled logits; 0 = off
};

// K/V of one sequence read through a block table (paged cache). The pools hold fixed-size blocks
// of tokens: k = [blocks, block_size, kv_heads, qk_dim], v = [blocks, block_size, kv_heads, v_dim]
// (F32, BF16, F16, or quantized INT8 / FP8 E4M3 with scales). block_table (I32) maps the
// sequence's logical block i to a pool block. A contiguous cache is one block of block_size >=
// length with block_table = {0}.
// Quantized pools (engine/quant/kv_rows.hpp) carry one fp32 scale per stored vector in
// k_scale / v_scale = F32 [blocks, block_size, kv_heads, groups], read through the same block
// table: groups = 1 (one scale per token and kv head), or 2 with scale_split = S, elements
// [0, S) of a row under scale 0 and [S, dim) under scale 1 (MLA: the latent, then the rope key).
struct KvBlocks {
  Tensor k;
  Tensor v;
  Tensor block_table;
  int64_t block_size = 0;
  int64_t length = 0;  // tokens of the sequence present in the cache: positions [0, length)
  Tensor k_scale{}, v_scale{};  // quantized pools only
  int64_t scale_split = 0;      // groups == 2 only
};

enum class RouterScore { Softmax, Sigmoid };

struct RouterParams {
  RouterScore score = RouterScore::Softmax;
  int64_t top_k = 1;
  bool renormalize = false;     // top-k weights divided by their sum (+1e-20, as DeepSeek)
  int64_t groups = 1;           // group-limited routing (DeepSeek-V3): experts in `groups` groups,
  int64_t top_groups = 1;       // only the best `top_groups` groups eligible
  float routed_scaling = 1.0f;  // multiplies the final weights
};

}  // namespace archscope
