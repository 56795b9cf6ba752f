// Which keys a query sees, per attention kind: the causal mask with its window or chunk. Closed
// forms, so prefill attention FLOPs are exact sums over positions at any context length.
#pragma once

#include <cstdint>

#include "config/model_config.hpp"

namespace archscope {

// Keys visible to the query at absolute position p (0-based), itself included.
//   Full, Mla: p + 1;  Sliding (window W): min(p + 1, W) — HF's `kv_idx > q_idx − W`;
//   Chunked (chunk C): p mod C + 1.  Linear layers have no keys: 0.
int64_t visible_keys(AttentionKind kind, int64_t window, int64_t p);

// Σ visible_keys(p) for p in [first, first + count), exact, in 128 bits.
unsigned __int128 visible_key_sum(AttentionKind kind, int64_t window, int64_t first, int64_t count);

// Tokens a layer's KV cache holds once `tokens` tokens have been seen: full and MLA layers all of
// them, sliding layers min(tokens, window), chunked layers min(tokens, chunk) (a chunk-sized
// buffer, the allocation inference engines make), linear layers none (constant state instead).
int64_t cached_tokens(AttentionKind kind, int64_t window, int64_t tokens);

}  // namespace archscope
