// Contracts of the K/V-cache ops (kv_store, attention) and the checks of index values.
#include <algorithm>

#include "backend/op_contracts.hpp"

namespace archscope::contract {

namespace {
bool quantized_pool(Elem e) {
  return e == Elem::INT8 || e == Elem::FP8;
}

// A quantized pool's scales: F32 [blocks, block_size, kv_heads, groups], groups 1 or 2 (split).
void check_kv_scales(const Tensor& pool, const Tensor& scale, int64_t split, const char* op,
                     const char* name) {
  require(scale.defined(), op, std::string(name) + ": a quantized pool needs its scales");
  check_elem(scale, Elem::F32, op, name);
  require(scale.rank() == 4 && pool.rank() == 4 && scale.dim(0) == pool.dim(0) &&
              scale.dim(1) == pool.dim(1) && scale.dim(2) == pool.dim(2) &&
              (scale.dim(3) == 1 || scale.dim(3) == 2),
          op,
          std::string(name) + " must be [blocks, block_size, kv_heads, 1 or 2], is " +
              shape_string(scale.shape()));
  if (scale.dim(3) == 2)
    require(split > 0 && split < pool.dim(3), op,
            std::string(name) + ": two scale groups need 0 < scale_split < dim");
}
}  // namespace

KvDims check_kv_blocks(const KvBlocks& kv, int64_t upto, const char* op) {
  check_defined(kv.k, op, "kv.k");
  check_defined(kv.v, op, "kv.v");
  if (quantized_pool(kv.k.elem()) || quantized_pool(kv.v.elem())) {
    require(kv.k.elem() == kv.v.elem(), op, "quantized k and v pools must share one element type");
    check_kv_scales(kv.k, kv.k_scale, kv.scale_split, op, "kv.k_scale");
    check_kv_scales(kv.v, kv.v_scale, kv.scale_split, op, "kv.v_scale");
  } else {
    check_float(kv.k, op, "kv.k");
    check_float(kv.v, op, "kv.v");
    require(!kv.k_scale.defined() && !kv.v_scale.defined(), op,
            "scales given for an unquantized pool");
  }
  check_elem(kv.block_table, Elem::I32, op, "kv.block_table");
  require(kv.k.rank() == 4 && kv.v.rank() == 4, op,
          "k/v pools must be [blocks, block_size, kv_heads, dim]");
  require(kv.k.dim(0) == kv.v.dim(0) && kv.k.dim(1) == kv.v.dim(1) && kv.k.dim(2) == kv.v.dim(2),
          op,
          "k and v pools disagree: " + shape_string(kv.k.shape()) + " vs " +
              shape_string(kv.v.shape()));
  require(kv.block_size == kv.k.dim(1) && kv.block_size > 0, op,
          "block_size differs from the pools");
  require(kv.block_table.rank() == 1, op, "block_table must be 1-D");
  const KvDims d{
      kv.k.dim(2), kv.k.dim(3), kv.v.dim(3), kv.block_size, kv.block_table.dim(0) * kv.block_size,
      kv.k.dim(0)};
  require(upto >= 0 && upto <= d.capacity, op,
          "position " + std::to_string(upto - 1) + " beyond the block table (" +
              std::to_string(d.capacity) + " tokens)");
  return d;
}

KvDims check_kv_store(const Tensor& k_new, const Tensor& v_new, const Tensor& positions,
                      const KvBlocks& kv, int64_t upto) {
  const char* op = "kv_store";
  check_elem(k_new, Elem::F32, op, "k_new");
  check_elem(v_new, Elem::F32, op, "v_new");
  check_elem(positions, Elem::I32, op, "positions");
  require(k_new.rank() == 3 && v_new.rank() == 3, op, "k_new/v_new must be [T, kv_heads, dim]");
  const int64_t T = k_new.dim(0);
  check_shape(positions, {T}, op, "positions");
  const KvDims d = check_kv_blocks(kv, upto, op);
  check_shape(k_new, {T, d.kv_heads, d.qk_dim}, op, "k_new");
  check_shape(v_new, {T, d.kv_heads, d.v_dim}, op, "v_new");
  return d;
}

AttentionDims check_attention(const Tensor& q, const Tensor& q_positions, const KvBlocks& kv,
                              const Tensor& sinks, const Tensor& out, const AttentionParams& p) {
  const char* op = "attention";
  check_elem(q, Elem::F32, op, "q");
  check_elem(q_positions, Elem::I32, op, "q_positions");
  check_elem(out, Elem::F32, op, "out");
  require(q.rank() == 3, op, "q must be [T, heads, qk_dim]");
  const int64_t T = q.dim(0), Hq = q.dim(1), Dqk = q.dim(2);
  check_shape(q_positions, {T}, op, "q_positions");
  require(kv.length >= 0, op, "negative kv length");
  const KvDims d = check_kv_blocks(kv, kv.length, op);
  require(d.qk_dim == Dqk, op, "q head dim differs from the k pool");
  require(d.kv_heads > 0 && Hq % d.kv_heads == 0, op, "kv heads do not divide query heads");
  check_shape(out, {T, Hq, d.v_dim}, op, "out");
  if (sinks.defined()) {
    check_elem(sinks, Elem::F32, op, "sinks");
    check_shape(sinks, {Hq}, op, "sinks");
  }
  require(p.mask == AttentionMask::Causal || p.window > 0, op,
          "sliding/chunked attention needs window > 0");
  check_no_overlap(out, q, op, "out", "q");
  return {T, Hq, Dqk, d.v_dim, d};
}

void check_indices(std::span<const int32_t> values, int64_t limit, const char* op,
                   const char* what) {
  for (int32_t v : values)
    require(v >= 0 && v < limit, op,
            std::string(what) + " " + std::to_string(v) + " outside [0, " + std::to_string(limit) +
                ")");
}

int64_t check_store_positions(std::span<const int32_t> positions, const char* op) {
  int64_t upto = 0;
  for (int32_t p : positions) {
    require(p >= 0, op, "negative position");
    upto = std::max<int64_t>(upto, static_cast<int64_t>(p) + 1);
  }
  return upto;
}

void check_query_positions(std::span<const int32_t> positions, int64_t length, const char* op) {
  // Every query must see its own key, so its position must already be in the cache.
  for (int32_t p : positions)
    require(
        p >= 0 && p < length, op,
        "query position " + std::to_string(p) + " not in the cache of " + std::to_string(length));
}

void check_block_table(std::span<const int32_t> table, int64_t upto, const KvDims& d,
                       const char* op) {
  require(upto <= static_cast<int64_t>(table.size()) * d.block_size, op,
          "block table shorter than the positions");
  for (int64_t i = 0; i * d.block_size < upto; ++i) {
    const int32_t b = table[static_cast<size_t>(i)];
    require(b >= 0 && b < d.pool_blocks, op,
            "block table entry " + std::to_string(i) + " = " + std::to_string(b) +
                " outside the pool of " + std::to_string(d.pool_blocks));
  }
}

}  // namespace archscope::contract
