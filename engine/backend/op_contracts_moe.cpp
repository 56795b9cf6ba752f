// Contracts of the memory ops (fill, copy, scale) and the MoE grouping ops (index_add, moe_group,
// grouped_linear).
#include <cmath>
#include <limits>

#include "backend/op_contracts.hpp"
#include "common/error.hpp"

namespace archscope::contract {

void check_fill(const Tensor& out, float value) {
  const char* op = "fill";
  check_defined(out, op, "out");
  require(out.elem() == Elem::F32 || out.elem() == Elem::I32, op,
          std::string("out is ") + to_string(out.elem()) + ", expected fp32 or int32");
  if (out.elem() == Elem::I32)
    require(std::nearbyint(value) == value &&
                value >= static_cast<float>(std::numeric_limits<int32_t>::min()) &&
                value <= static_cast<float>(std::numeric_limits<int32_t>::max()) - 128.0f,
            op, "value is not an int32 for an I32 tensor");
}

bool check_copy(const Tensor& src, const Tensor& dst) {
  const char* op = "copy";
  check_defined(src, op, "src");
  check_defined(dst, op, "dst");
  require(src.elem() == dst.elem(), op,
          std::string("src is ") + to_string(src.elem()) + ", dst " + to_string(dst.elem()));
  require(src.numel() == dst.numel(), op,
          "sizes differ: " + shape_string(src.shape()) + " vs " + shape_string(dst.shape()));
  const bool same = src.buffer() == dst.buffer() && src.byte_offset() == dst.byte_offset();
  if (!same) check_no_overlap(dst, src, op, "dst", "src");
  return same;
}

void check_scale(const Tensor& x, const Tensor& row_scale, const Tensor& out) {
  const char* op = "scale";
  check_elem(x, Elem::F32, op, "x");
  check_elem(out, Elem::F32, op, "out");
  require(out.shape() == x.shape(), op,
          "out " + shape_string(out.shape()) + " differs from x " + shape_string(x.shape()));
  if (!row_scale.defined()) return;
  require(x.rank() >= 1, op, "a per-row scale needs a row dimension");
  check_elem(row_scale, Elem::F32, op, "row_scale");
  check_shape(row_scale, {x.dim(0)}, op, "row_scale");
}

IndexAddDims check_index_add(const Tensor& src, const Tensor& index, const Tensor& weight,
                             const Tensor& out) {
  const char* op = "index_add";
  check_elem(src, Elem::F32, op, "src");
  check_elem(index, Elem::I32, op, "index");
  check_elem(out, Elem::F32, op, "out");
  require(src.rank() == 2 && out.rank() == 2, op, "src and out must be 2-D");
  const IndexAddDims d{src.dim(0), src.dim(1), out.dim(0)};
  require(out.dim(1) == d.width, op,
          "out " + shape_string(out.shape()) + " and src " + shape_string(src.shape()) +
              " differ in width");
  check_shape(index, {d.rows}, op, "index");
  if (weight.defined()) {
    check_elem(weight, Elem::F32, op, "weight");
    check_shape(weight, {d.rows}, op, "weight");
  }
  check_no_overlap(src, out, op, "src", "out");
  return d;
}

MoeGroupDims check_moe_group(const Tensor& ids, const Tensor& weights, int64_t experts,
                             const Tensor& token_of, const Tensor& weight_of,
                             const Tensor& offsets) {
  const char* op = "moe_group";
  check_elem(ids, Elem::I32, op, "ids");
  check_elem(weights, Elem::F32, op, "weights");
  require(ids.rank() == 2, op, "ids must be [T, k]");
  require(experts >= 1, op, "experts must be >= 1");
  const MoeGroupDims d{ids.dim(0), ids.dim(1)};
  const int64_t n = d.tokens * d.k;
  check_shape(weights, {d.tokens, d.k}, op, "weights");
  check_elem(token_of, Elem::I32, op, "token_of");
  check_shape(token_of, {n}, op, "token_of");
  check_elem(weight_of, Elem::F32, op, "weight_of");
  check_shape(weight_of, {n}, op, "weight_of");
  check_elem(offsets, Elem::I32, op, "offsets");
  check_shape(offsets, {experts + 1}, op, "offsets");
  return d;
}

GroupedLinearDims check_grouped_linear(const Tensor& x, const Tensor& w, const Tensor& bias,
                                       const Tensor& offsets, const Tensor& out) {
  const char* op = "grouped_linear";
  check_elem(x, Elem::F32, op, "x");
  check_weight(w, op, "w");
  require(x.rank() == 2 && w.rank() == 3, op, "x must be [R, K] and w [E, N, K]");
  const GroupedLinearDims d{x.dim(0), x.dim(1), w.dim(1), w.dim(0)};
  require(w.dim(2) == d.in, op,
          "w " + shape_string(w.shape()) + " does not match x " + shape_string(x.shape()));
  check_elem(out, Elem::F32, op, "out");
  check_shape(out, {d.rows, d.out}, op, "out");
  if (bias.defined()) {
    check_elem(bias, Elem::F32, op, "bias");
    check_shape(bias, {d.experts, d.out}, op, "bias");
  }
  check_elem(offsets, Elem::I32, op, "offsets");
  check_shape(offsets, {d.experts + 1}, op, "offsets");
  check_no_overlap(out, x, op, "out", "x");
  return d;
}

void check_group_offsets(std::span<const int32_t> off, int64_t rows, const char* op) {
  const size_t E = off.size() - 1;
  require(off[0] == 0 && off[E] == rows, op,
          "offsets must run from 0 to " + std::to_string(rows) + ", run from " +
              std::to_string(off[0]) + " to " + std::to_string(off[E]));
  for (size_t e = 0; e < E; ++e)
    require(off[e] <= off[e + 1], op, "offsets decrease at expert " + std::to_string(e));
}

}  // namespace archscope::contract
