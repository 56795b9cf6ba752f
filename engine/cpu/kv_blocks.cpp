#include "cpu/kv_blocks.hpp"

#include <span>

#include "cpu/check.hpp"

namespace archscope::cpu {

KvLayout kv_layout(const KvBlocks& kv, const contract::KvDims& d, int64_t upto, const char* op) {
  const int32_t* table = host<const int32_t>(kv.block_table);
  contract::check_block_table(std::span(table, static_cast<size_t>(kv.block_table.numel())), upto,
                              d, op);
  KvLayout l;
  l.kv_heads = d.kv_heads;
  l.qk_dim = d.qk_dim;
  l.v_dim = d.v_dim;
  l.block_size = d.block_size;
  l.capacity = d.capacity;
  l.table = table;
  l.k = static_cast<char*>(raw(kv.k));
  l.v = static_cast<char*>(raw(kv.v));
  l.k_elem = kv.k.elem();
  l.v_elem = kv.v.elem();
  l.k_elem_bytes = static_cast<size_t>(elem_bits(l.k_elem) / 8);
  l.v_elem_bytes = static_cast<size_t>(elem_bits(l.v_elem) / 8);
  if (kv.k_scale.defined()) {  // the contract checked the shapes and that both are there
    l.k_scale = static_cast<float*>(raw(kv.k_scale));
    l.v_scale = static_cast<float*>(raw(kv.v_scale));
    l.groups = kv.k_scale.dim(3);
    l.scale_split = l.groups == 2 ? kv.scale_split : 0;
  }
  return l;
}

}  // namespace archscope::cpu
