#include <string>

#include "common/error.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/kv_view.cuh"
#include "cuda/kv_layout.hpp"

namespace archscope::cuda {

KvView kv_view(const KvBlocks& kv, const char* op) {
  if (kv.k_scale.defined() || kv.k.elem() == Elem::INT8 || kv.k.elem() == Elem::FP8)
    throw Error(ErrorKind::Unsupported, op,
                "int8 / fp8 KV pools: the CUDA kv_store and attention kernels do not dequantize "
                "yet (run on the cpu backend)");
  check_float(kv.k, op, "kv.k");
  check_float(kv.v, op, "kv.v");
  const int32_t* table = in_i32(kv.block_table, op, "kv.block_table");
  require(kv.k.rank() == 4 && kv.v.rank() == 4, op,
          "k/v pools must be [blocks, block_size, kv_heads, dim]");
  require_f(kv.k.dim(0) == kv.v.dim(0) && kv.k.dim(1) == kv.v.dim(1) && kv.k.dim(2) == kv.v.dim(2),
            op, [&] {
              return "k and v pools disagree: " + shape_string(kv.k.shape()) + " vs " +
                     shape_string(kv.v.shape());
            });
  require(kv.block_size == kv.k.dim(1) && kv.block_size > 0, op,
          "block_size differs from the pools");
  require(kv.block_table.rank() == 1, op, "block_table must be 1-D");
  KvView v{};
  v.k = dptr(kv.k);
  v.v = dptr(kv.v);
  v.table = table;
  v.block_size = kv.block_size;
  v.blocks = kv.k.dim(0);
  v.table_len = kv.block_table.dim(0);
  v.kv_heads = kv.k.dim(2);
  v.qk_dim = kv.k.dim(3);
  v.v_dim = kv.v.dim(3);
  v.length = kv.length;
  v.elem = felem(kv.k.elem());
  v.velem = felem(kv.v.elem());
  v.for_attention = std::string(op) == "attention";
  return v;
}

}  // namespace archscope::cuda
