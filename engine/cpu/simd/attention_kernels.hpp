// Vectorised attention tile for the CPU attention op (engine/cpu/ops/attention.cpp): up to
// kAttnMaxRows query rows that read the same kv head (the query heads of a GQA group, times a few
// query tokens in prefill) walk that head's keys once, kAttnKeyBlock keys at a time, with an
// online (FlashAttention-style) softmax, so every K/V row is read once per tile and no score row
// longer than one key block is ever materialised. Compiled for every x86 target Highway knows and
// dispatched once per tile; bf16/fp16 K/V rows are widened to fp32 in registers, int8 / fp8 rows
// dequantized to fp32 per key block.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backend/tensor.hpp"

namespace archscope::cpu {

inline constexpr int kAttnMaxRows = 16;
inline constexpr int64_t kAttnKeyBlock = 32;

// The K/V rows of one kv head in a paged pool: position p lives in slot
// table[p / block_size] * block_size + p % block_size, its k row at k + slot * k_slot_bytes.
struct AttnKeys {
  const char* k = nullptr;  // pool base already offset to the kv head
  const char* v = nullptr;
  size_t k_slot_bytes = 0, v_slot_bytes = 0;
  const int32_t* table = nullptr;
  int64_t block_size = 0;
  Elem k_elem = Elem::F32, v_elem = Elem::F32;
  int64_t qk_dim = 0, v_dim = 0;
  // INT8 / FP8 pools: the scales of position p at k_scale + slot * scale_slot_floats (already
  // offset to the kv head), `groups` per row split at scale_split (op_params.hpp KvBlocks); rows
  // are dequantized to fp32 (code value * scale, kv_rows.hpp) as they are loaded.
  const float* k_scale = nullptr;
  const float* v_scale = nullptr;
  size_t scale_slot_floats = 0;
  int64_t groups = 1, scale_split = 0;
};

// Query rows of one tile. Row r (q[r]: qk_dim floats) sees the keys at positions [lo[r], hi[r]].
struct AttnRows {
  int n = 0;
  const float* q[kAttnMaxRows];
  int64_t lo[kAttnMaxRows], hi[kAttnMaxRows];
};

// Online softmax of the tile's rows over the keys at positions [begin, end) (further limited per
// row to [lo, hi]): logit = scale * q.k, then softcap * tanh(logit / softcap) when softcap > 0.
// Per row, m[r] (running max) and l[r] (running sum of exp(logit - m)) are read and updated: start
// them at (-inf, 0), or (sink, 1) so that a sink logit joins the denominator only. o[r] (v_dim
// floats) receives sum exp(logit - m) * v, unnormalised (zeros when the row saw no key here).
// o rows must not overlap the q rows or the pools.
void attention_tile(const AttnKeys& kv, const AttnRows& rows, int64_t begin, int64_t end, float scale,
                    float softcap, float* const* o, float* m, float* l);

}  // namespace archscope::cpu
