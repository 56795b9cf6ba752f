#include "cpu/kv_blocks.hpp"

#include "cpu/check.hpp"

namespace archscope::cpu {

KvLayout kv_layout(const KvBlocks& kv, int64_t upto, const char* op) {
  check_float(kv.k, op, "kv.k");
  check_float(kv.v, op, "kv.v");
  const int32_t* table = in_i32(kv.block_table, op, "kv.block_table");
  require(kv.k.rank() == 4 && kv.v.rank() == 4, op, "k/v pools must be [blocks, block_size, kv_heads, dim]");
  require(kv.k.dim(0) == kv.v.dim(0) && kv.k.dim(1) == kv.v.dim(1) && kv.k.dim(2) == kv.v.dim(2), op,
          "k and v pools disagree: " + shape_string(kv.k.shape()) + " vs " + shape_string(kv.v.shape()));
  require(kv.block_size == kv.k.dim(1) && kv.block_size > 0, op, "block_size differs from the pools");
  require(kv.block_table.rank() == 1, op, "block_table must be 1-D");
  KvLayout l;
  l.kv_heads = kv.k.dim(2);
  l.qk_dim = kv.k.dim(3);
  l.v_dim = kv.v.dim(3);
  l.block_size = kv.block_size;
  l.capacity = kv.block_table.dim(0) * kv.block_size;
  require(upto >= 0 && upto <= l.capacity, op,
          "position " + std::to_string(upto - 1) + " beyond the block table (" + std::to_string(l.capacity) + " tokens)");
  const int64_t blocks = kv.k.dim(0);
  for (int64_t i = 0; i * l.block_size < upto; ++i)
    require(table[i] >= 0 && table[i] < blocks, op,
            "block table entry " + std::to_string(i) + " = " + std::to_string(table[i]) + " outside the pool of " + std::to_string(blocks));
  l.table = table;
  l.k = static_cast<char*>(raw(kv.k));
  l.v = static_cast<char*>(raw(kv.v));
  l.k_elem = kv.k.elem();
  l.v_elem = kv.v.elem();
  l.k_elem_bytes = static_cast<size_t>(elem_bits(l.k_elem) / 8);
  l.v_elem_bytes = static_cast<size_t>(elem_bits(l.v_elem) / 8);
  return l;
}

}  // namespace archscope::cpu
