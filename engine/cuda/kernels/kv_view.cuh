// A KvBlocks view as the kernels see it: position p of the sequence lives in slot
// table[p / block_size] * block_size + p % block_size of the pools; its k row for kv head h at
// k + (slot * kv_heads + h) * qk_dim elements. slot() checks the table entry (device_errors.hpp)
// and returns -1 for one outside the pool, so no kernel reads or writes past a pool. int8 / fp8
// pools (elem I8 / E4M3) carry fp32 scales [slot, kv_heads, groups] beside them (kv_quant.cuh).
#pragma once

#include <cstdint>

#include "cuda/kernels/common.cuh"

namespace archscope::cuda {

struct KvView {
  const void* k;
  const void* v;
  const int32_t* table;
  int64_t block_size, blocks, table_len, kv_heads, qk_dim, v_dim, length;
  FElem elem;   // of the k pool
  FElem velem;  // of the v pool (attention kernels other than naive need elem == velem)
  // Quantized pools: the scales (v_scale == k_scale when the pools alias, as MLA's), groups per
  // (slot, kv head) (1 or 2), and the first column of the second group (qk_dim + v_dim with one
  // group, so every column reads group 0). Null / 0 for float pools.
  const float* k_scale;
  const float* v_scale;
  int64_t groups, scale_split;
  int for_attention;  // which op's checks a bad entry reports (kv_store or attention)
};

__device__ __forceinline__ int64_t kv_slot(const KvView& kv, int64_t pos, DeviceErrors* err) {
  const int64_t logical = pos / kv.block_size;
  if (pos < 0 && !kv.for_attention) {
    report(err, DeviceCheck::KvStoreNegative, pos, 0);
    return -1;
  }
  if (pos < 0 || logical >= kv.table_len) {
    report(err, kv.for_attention ? DeviceCheck::AttentionKvPosition : DeviceCheck::KvStorePosition, pos,
           kv.table_len * kv.block_size);
    return -1;
  }
  const int64_t b = kv.table[logical];
  if (b < 0 || b >= kv.blocks) {
    report(err, kv.for_attention ? DeviceCheck::AttentionKvBlock : DeviceCheck::KvStoreBlock, b, kv.blocks, logical);
    return -1;
  }
  return b * kv.block_size + pos % kv.block_size;
}

}  // namespace archscope::cuda
