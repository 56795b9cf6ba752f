// Contracts of the layout ops (concat_last, slice_last) and the per-head linear (head_linear):
// what MLA assembles its keys, queries and cache rows with, for all tokens and heads in one call.
#include <string>

#include "backend/op_contracts.hpp"

namespace archscope::contract {

ConcatDims check_concat_last(const Tensor& a, const Tensor& b, const Tensor& out) {
  const char* op = "concat_last";
  check_elem(a, Elem::F32, op, "a");
  check_elem(b, Elem::F32, op, "b");
  check_elem(out, Elem::F32, op, "out");
  require(a.rank() == 3 && b.rank() == 3 && out.rank() == 3, op,
          "a, b and out must be 3-D [R, M, width]");
  const ConcatDims d{out.dim(0), out.dim(1), a.dim(1), b.dim(1), a.dim(2), b.dim(2)};
  require(a.dim(0) == d.rows && b.dim(0) == d.rows, op,
          "a " + shape_string(a.shape()) + " and b " + shape_string(b.shape()) + " must have the " +
              std::to_string(d.rows) + " rows of out");
  require(
      d.a_mid == d.mid || d.a_mid == 1, op,
      "a's middle dim must be " + std::to_string(d.mid) + " or 1, is " + std::to_string(d.a_mid));
  require(
      d.b_mid == d.mid || d.b_mid == 1, op,
      "b's middle dim must be " + std::to_string(d.mid) + " or 1, is " + std::to_string(d.b_mid));
  require(out.dim(2) == d.a_width + d.b_width, op,
          "out's last dim must be " + std::to_string(d.a_width + d.b_width) + ", is " +
              std::to_string(out.dim(2)));
  check_no_overlap(out, a, op, "out", "a");
  check_no_overlap(out, b, op, "out", "b");
  return d;
}

SliceDims check_slice_last(const Tensor& x, int64_t offset, int64_t width, const Tensor& out) {
  const char* op = "slice_last";
  check_elem(x, Elem::F32, op, "x");
  check_elem(out, Elem::F32, op, "out");
  require(x.rank() >= 1, op, "x needs a last dim");
  const int64_t W = x.dim(-1);
  require(offset >= 0 && width >= 0 && offset <= W && width <= W - offset, op,
          "columns [" + std::to_string(offset) + ", " + std::to_string(offset) + " + " +
              std::to_string(width) + ") outside the last dim of " + std::to_string(W));
  Shape want = x.shape();
  want.back() = width;
  check_shape(out, want, op, "out");
  check_no_overlap(out, x, op, "out", "x");
  return {W == 0 ? 0 : x.numel() / W, W};
}

HeadLinearDims check_head_linear(const Tensor& x, const Tensor& w, const Tensor& out) {
  const char* op = "head_linear";
  check_elem(x, Elem::F32, op, "x");
  check_float(w, op, "w");
  check_elem(out, Elem::F32, op, "out");
  require(x.rank() == 3 && w.rank() == 3, op, "x must be [T, H, K] and w [H, N, K]");
  const HeadLinearDims d{x.dim(0), x.dim(1), x.dim(2), w.dim(1)};
  require(w.dim(0) == d.heads && w.dim(2) == d.in, op,
          "w " + shape_string(w.shape()) + " does not match x " + shape_string(x.shape()));
  check_shape(out, {d.tokens, d.heads, d.out}, op, "out");
  check_no_overlap(out, x, op, "out", "x");
  return d;
}

}  // namespace archscope::contract
