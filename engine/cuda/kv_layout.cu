#include <string>

#include "common/error.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/kv_view.cuh"
#include "cuda/kv_layout.hpp"

namespace archscope::cuda {

namespace {
bool coded(Elem e) {
  return e == Elem::INT8 || e == Elem::FP8;
}
FElem pool_elem(Elem e) {
  return e == Elem::INT8 ? FElem::I8 : e == Elem::FP8 ? FElem::E4M3 : felem(e);
}
}  // namespace

KvView kv_view(const KvBlocks& kv, const char* op) {
  const bool quantized = coded(kv.k.elem()) || coded(kv.v.elem());
  if (quantized) {
    // The contract (check_kv_blocks) has checked the element types and the scales' shapes.
    check_owned(kv.k, op, "kv.k");
    check_owned(kv.v, op, "kv.v");
    check_elem(kv.k_scale, Elem::F32, op, "kv.k_scale");
    check_elem(kv.v_scale, Elem::F32, op, "kv.v_scale");
    require(kv.k.elem() == kv.v.elem(), op, "quantized k and v pools must share one element type");
    require(
        kv.k_scale.rank() == 4 && kv.v_scale.rank() == 4 && kv.k_scale.dim(3) == kv.v_scale.dim(3),
        op, "kv.k_scale and kv.v_scale must have the same groups");
  } else {
    check_float(kv.k, op, "kv.k");
    check_float(kv.v, op, "kv.v");
  }
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
  v.elem = pool_elem(kv.k.elem());
  v.velem = pool_elem(kv.v.elem());
  if (quantized) {
    v.k_scale = static_cast<const float*>(dptr(kv.k_scale));
    v.v_scale = static_cast<const float*>(dptr(kv.v_scale));
    v.groups = kv.k_scale.dim(3);
    v.scale_split = v.groups == 2 ? kv.scale_split : v.qk_dim + v.v_dim;
  }
  v.for_attention = std::string(op) == "attention";
  return v;
}

}  // namespace archscope::cuda
