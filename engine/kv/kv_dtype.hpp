// The element types a KV cache holds (--kv-dtype) and what one cached token of a layer costs.
// fp32 / bf16 / fp16 store the K and V rows as they are; int8 and fp8 (OCP E4M3) store one byte
// per element plus one fp32 scale per stored vector (engine/quant/kv_rows.hpp): per token and KV
// head for K and for V, and for MLA's latent cache one for the latent and one for the rope key
// (their ranges differ: the latent is normed, the rope key is not). Linear-attention layers hold
// a recurrent state, not a KV cache: it stays fp32 whatever the dtype.
#pragma once

#include <cstdint>
#include <string>

#include "backend/op_params.hpp"
#include "backend/tensor.hpp"
#include "config/model_config.hpp"

namespace archscope {

bool kv_quantized(Elem e);     // INT8, FP8
std::string kv_dtype_names();  // "fp32|bf16|fp16|int8|fp8"
// A --kv-dtype value; Error(Validation, option) naming the accepted ones otherwise.
Elem parse_kv_elem(const std::string& text, const std::string& option);

// Scales per stored row of a layer's pool under a quantized dtype: 1 per kv head for softmax
// layers, 2 for MLA's [latent | rope key] row (1 when either part is empty), and the split.
int64_t kv_scale_groups(AttentionKind kind, const ModelConfig& config);
int64_t kv_scale_split(AttentionKind kind, const ModelConfig& config);  // 0 unless two groups

// Bytes of one cached token of a softmax / MLA layer (K and V, or the MLA row), scales included:
// 2 * kv_heads * head_dim * elem (+ 2 * kv_heads * 4 quantized); MLA (lora + rope) * elem (+ 4 per
// group quantized).
uint64_t kv_token_bytes(AttentionKind kind, const ModelConfig& config, Elem e);

// Allocates kv.k_scale / kv.v_scale for quantized pools kv.k / kv.v (F32 [blocks, block_size,
// heads, groups]; v_scale aliases k_scale when v aliases k, as for MLA) and sets scale_split.
void attach_kv_scales(Backend& b, KvBlocks& kv, int64_t groups, int64_t split);

}  // namespace archscope
