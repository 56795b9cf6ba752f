// Shared by kv_store and attention: maps a token position of the sequence to its slot in the block
// pools of a KvBlocks view whose contract (backend/op_contracts.hpp) and ownership are checked.
#pragma once

#include "backend/op_contracts.hpp"
#include "backend/op_params.hpp"

namespace archscope::cpu {

struct KvLayout {
  int64_t kv_heads = 0, qk_dim = 0, v_dim = 0, block_size = 0, capacity = 0;
  const int32_t* table = nullptr;
  char* k = nullptr;
  char* v = nullptr;
  size_t k_elem_bytes = 0, v_elem_bytes = 0;
  Elem k_elem = Elem::F32, v_elem = Elem::F32;
  // Quantized pools (INT8 / FP8): per slot kv_heads * groups fp32 scales (op_params.hpp KvBlocks).
  float* k_scale = nullptr;
  float* v_scale = nullptr;
  int64_t groups = 0, scale_split = 0;

  bool quantized() const { return k_scale != nullptr; }
  // The `groups` scales of (position, kv head).
  float* k_scales(int64_t pos, int64_t head) const {
    return k_scale + (slot(pos) * kv_heads + head) * groups;
  }
  float* v_scales(int64_t pos, int64_t head) const {
    return v_scale + (slot(pos) * kv_heads + head) * groups;
  }

  // Element offset of (position, kv head) in the k / v pool.
  int64_t slot(int64_t pos) const {
    return static_cast<int64_t>(table[pos / block_size]) * block_size + pos % block_size;
  }
  char* k_row(int64_t pos, int64_t head) const {
    return k + static_cast<size_t>((slot(pos) * kv_heads + head) * qk_dim) * k_elem_bytes;
  }
  char* v_row(int64_t pos, int64_t head) const {
    return v + static_cast<size_t>((slot(pos) * kv_heads + head) * v_dim) * v_elem_bytes;
  }
};

// Checks every block-table entry that covers positions [0, upto) and returns the host layout.
KvLayout kv_layout(const KvBlocks& kv, const contract::KvDims& d, int64_t upto, const char* op);

}  // namespace archscope::cpu
