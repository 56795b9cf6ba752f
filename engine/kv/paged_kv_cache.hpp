// Paged KV cache: one pool of fixed-size blocks (block_size tokens) per attention layer, a block
// table per (sequence, layer), blocks returned to their pool when a sequence ends. Per layer kind:
//  - Full:    every token of the sequence is kept;
//  - Sliding: only the last `window` tokens are needed, blocks that slid out are recycled;
//  - Chunked: only the current chunk is needed, blocks of finished chunks are recycled;
//  - Mla:     one pool holding [latent (kv_lora_rank) | rope key (qk_rope_head_dim)] per token;
//             KvBlocks::k and ::v are the same tensor (values are the latent part, see forward);
//  - Linear:  no blocks: a constant conv state and recurrent state per sequence (fp32).
// Byte accounting is exact: allocated = the pools (quantized ones with their scales) and states as
// allocated, used = blocks in use
// (whole blocks, as the memory is committed) plus live states.
//
// Pool sizes: a full or MLA layer holds max_tokens (all sequences together). A sliding or chunked
// layer needs per sequence only the window plus the tokens of one continuing step, rounded to
// whole blocks (window_pool_blocks); with max_step_tokens set, its pool has that many blocks per
// sequence (never more than a full pool). A sequence's first step may be longer than the window:
// the forward pass attends over that step's keys staged outside the pool and stores only the
// keys a later query can see (stored_from), so a long prompt never needs a full-size window pool.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "backend/backend.hpp"
#include "config/layer_range.hpp"
#include "config/model_config.hpp"

namespace archscope {

struct KvCacheOptions {
  // K/V element type: F32, BF16, F16, or INT8 / FP8 with one fp32 scale per stored vector
  // (kv_dtype.hpp); linear-attention states are always F32.
  Elem dtype = Elem::F32;
  int64_t block_size = 16;    // tokens per block
  int64_t max_tokens = 4096;  // pool capacity of a full / MLA layer, in tokens (rounded up to blocks)
  int64_t max_sequences = 8;  // linear-attention states are allocated per sequence slot
  // Tokens one step adds to a sequence that already has cached tokens (decode: 1). Sizes the
  // sliding / chunked pools by their window; 0 = any step length (windowed pools as large as
  // full ones).
  int64_t max_step_tokens = 0;
  // A sliced model (config/layer_range.hpp): pools and states for the slice's layers only; the
  // other layers hold nothing, and asking for their blocks is an internal error.
  std::optional<LayerRange> slice;
};

// Blocks a sliding / chunked layer of `window` tokens holds at most for one sequence whose
// continuing steps add at most `step_tokens`: its queries see n = window - 1 + step positions. A
// sliding span starts at any offset into a block, a chunk's at a multiple of g = gcd(chunk,
// block), so the span touches floor((block - g + n - 1) / block) + 1 blocks (g = 1 for sliding).
// Decode with a 1024 window in 16-token blocks: 65, the window plus one block.
int64_t window_pool_blocks(AttentionKind kind, int64_t window, int64_t step_tokens, int64_t block_size);

inline constexpr int kKindCount = 5;  // AttentionKind values

struct KvBytes {
  uint64_t allocated = 0;
  uint64_t used = 0;
};

struct KvAccounting {
  std::vector<KvBytes> per_layer;
  std::array<KvBytes, kKindCount> per_kind{};  // indexed by static_cast<int>(AttentionKind)
  KvBytes total;
};

// The recurrent state of one linear-attention layer of one sequence.
struct LinearState {
  Tensor conv_q, conv_k, conv_v;  // F32 [channels, conv_kernel - 1] (the conv runs per part)
  Tensor recurrent;               // F32 [value_heads, key_head_dim, value_head_dim]
};

class PagedKvCache {
 public:
  PagedKvCache(Backend& backend, const ModelConfig& config, const KvCacheOptions& options);

  // The bytes a cache with these options allocates (pools and linear-attention states), without
  // allocating: what the constructor checks against the available memory, and what the model
  // stack's refusal uses. Throws Error(Validation, "kv_cache") for bad options.
  static uint64_t allocated_bytes(const ModelConfig& config, const KvCacheOptions& options);
  // Blocks of layer `layer`'s pool (0 for linear-attention layers).
  int64_t pool_blocks(int64_t layer) const;

  // Returns a sequence id (>= 0). Throws Error(Resource) when max_sequences are live.
  int64_t add_sequence();
  // Returns every block and state of the sequence to the pools.
  void free_sequence(int64_t seq);
  bool live(int64_t seq) const;
  int64_t length(int64_t seq) const;  // tokens cached so far

  // Makes room for positions [length, length + tokens) in every attention layer. Throws
  // Error(Resource) naming the layer when a pool runs out of blocks. A sequence's first step
  // (length 0) gets in sliding / chunked layers only the blocks from stored_from on.
  void reserve(int64_t seq, int64_t tokens);
  // First position of layer `layer` that has a block for the sequence (0 unless blocks were
  // recycled or, on a first step longer than the window, never assigned). Keys below it must not
  // be stored: the forward pass stores rows from here on.
  int64_t stored_from(int64_t seq, int64_t layer) const;
  // Whether the first step of `tokens` tokens of a sequence must attend over keys staged outside
  // the pool in layer `layer`: sliding / chunked, and some of its keys are invisible to the next
  // query (so the pool does not keep them).
  bool stages_first_step(int64_t layer, int64_t tokens) const;
  // Marks `tokens` more as cached and recycles the blocks no future query can see.
  void advance(int64_t seq, int64_t tokens);

  // The view of one layer for attention / kv_store, with KvBlocks::length = `length` (use the
  // length including this step's tokens after storing them).
  KvBlocks blocks(int64_t seq, int64_t layer, int64_t length) const;
  LinearState& linear_state(int64_t seq, int64_t layer);

  KvAccounting accounting() const;
  const KvCacheOptions& options() const { return options_; }
  int64_t blocks_in_use(int64_t layer) const;

 private:
  struct Pool {
    AttentionKind kind = AttentionKind::Full;
    bool present = true;  // false: a layer outside the slice (no blocks, no states)
    int64_t window = 0;
    Tensor k, v;  // v aliases k for MLA, undefined for linear layers
    Tensor k_scale, v_scale;  // int8 / fp8 pools (kv_dtype.hpp); v_scale aliases k_scale for MLA
    int64_t scale_split = 0;
    size_t block_bytes = 0;
    std::vector<int32_t> free;  // free block ids (a stack)
  };
  struct Sequence {
    bool live = false;
    int64_t length = 0;
    std::vector<std::vector<int32_t>> tables;  // per layer, -1 = recycled or not yet assigned
    std::vector<Tensor> table_tensors;         // per layer, uploaded copy of `tables`
    std::vector<LinearState> states;           // per layer (linear layers only)
  };

  static size_t pool_bytes(const Pool& p);  // k, v and their scales as allocated
  void upload_table(Sequence& s, int64_t layer);
  Sequence& get(int64_t seq);
  const Sequence& get(int64_t seq) const;

  Backend& backend_;
  KvCacheOptions options_;
  std::vector<Pool> pools_;
  std::vector<Sequence> seqs_;
  std::vector<std::vector<LinearState>> state_slots_;  // per sequence slot, per layer
  std::vector<size_t> state_bytes_per_layer_;
};

}  // namespace archscope
