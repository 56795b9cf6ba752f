// Contracts of the stateless ops; the K/V-cache ops and the index-value checks are in
// op_contracts_kv.cpp.
#include "backend/op_contracts.hpp"

#include "common/error.hpp"

namespace archscope::contract {

void fail(const char* op, const std::string& message) {
  throw Error(ErrorKind::Validation, op, message);
}

void check_defined(const Tensor& t, const char* op, const char* name) {
  require(t.defined(), op, std::string(name) + " is required");
}

void check_elem(const Tensor& t, Elem e, const char* op, const char* name) {
  check_defined(t, op, name);
  require(t.elem() == e, op,
          std::string(name) + " is " + to_string(t.elem()) + ", expected " + to_string(e));
}

void check_activation(const Tensor& t, const char* op, const char* name) {
  check_defined(t, op, name);
  require(t.elem() == Elem::F32 || t.elem() == Elem::BF16, op,
          std::string(name) + " is " + to_string(t.elem()) + ", expected fp32 or bf16");
}

void check_float(const Tensor& t, const char* op, const char* name) {
  check_defined(t, op, name);
  if (elem_is_quantized(t.elem()))
    throw Error(ErrorKind::Unsupported, op,
                std::string(name) + ": " + to_string(t.elem()) + " weights have no kernel yet");
  require(t.elem() == Elem::F32 || t.elem() == Elem::BF16 || t.elem() == Elem::F16, op,
          std::string(name) + " must be fp32, bf16 or fp16, is " + to_string(t.elem()));
}

void check_weight(const Tensor& t, const char* op, const char* name) {
  check_defined(t, op, name);
  if (!elem_is_packed(t.elem())) check_float(t, op, name);
}

void check_shape(const Tensor& t, const Shape& s, const char* op, const char* name) {
  require(t.shape() == s, op,
          std::string(name) + " has shape " + shape_string(t.shape()) + ", expected " +
              shape_string(s));
}

void check_no_overlap(const Tensor& a, const Tensor& b, const char* op, const char* a_name,
                      const char* b_name) {
  require(a.buffer() != b.buffer() || a.byte_offset() >= b.byte_offset() + b.bytes() ||
              b.byte_offset() >= a.byte_offset() + a.bytes(),
          op, std::string(a_name) + " must not overlap " + b_name);
}

EmbeddingDims check_embedding(const Tensor& ids, const Tensor& table, const Tensor& positions,
                              const Tensor& pos_table, const Tensor& out) {
  const char* op = "embedding";
  check_elem(ids, Elem::I32, op, "ids");
  check_float(table, op, "table");
  require(ids.rank() == 1 && table.rank() == 2, op, "ids must be [T], table [V, D]");
  EmbeddingDims d{ids.dim(0), table.dim(0), table.dim(1), 0};
  check_elem(out, Elem::F32, op, "out");
  check_shape(out, {d.tokens, d.width}, op, "out");
  if (pos_table.defined()) {
    check_float(pos_table, op, "pos_table");
    check_elem(positions, Elem::I32, op, "positions");
    check_shape(positions, {d.tokens}, op, "positions");
    require(pos_table.rank() == 2 && pos_table.dim(1) == d.width, op, "pos_table must be [P, D]");
    d.positions = pos_table.dim(0);
  }
  return d;
}

void check_add(const Tensor& a, const Tensor& b, const Tensor& out) {
  const char* op = "add";
  check_elem(a, Elem::F32, op, "a");
  check_elem(b, Elem::F32, op, "b");
  check_elem(out, Elem::F32, op, "out");
  require(a.numel() == b.numel() && a.numel() == out.numel(), op,
          "sizes differ: " + shape_string(a.shape()) + ", " + shape_string(b.shape()) + ", " +
              shape_string(out.shape()));
}

int64_t check_add_norm(const Tensor& h, const Tensor& r, const Tensor& weight, const Tensor& bias,
                       const Tensor& out, const NormParams& p) {
  const char* op = "add_norm";
  check_elem(h, Elem::F32, op, "h");
  check_elem(r, Elem::F32, op, "r");
  require(h.numel() == r.numel(), op,
          "sizes differ: h " + shape_string(h.shape()) + ", r " + shape_string(r.shape()));
  auto apart = [](const Tensor& a, const Tensor& b) {
    return a.buffer() != b.buffer() || a.byte_offset() >= b.byte_offset() + b.bytes() ||
           b.byte_offset() >= a.byte_offset() + a.bytes();
  };
  require(h.defined() && out.defined() && apart(out, h) && apart(out, r), op,
          "out must not overlap h or r");
  require(apart(r, h) || (r.buffer() == h.buffer() && r.byte_offset() == h.byte_offset()), op,
          "r must be h or not overlap it");
  try {
    return check_norm(h, weight, bias, out, p);
  } catch (const Error& e) {  // the norm's rule, reported under this op
    throw Error(e.kind(), op, e.message());
  }
}

int64_t check_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& out,
                   const NormParams& p) {
  const char* op = "norm";
  check_elem(x, Elem::F32, op, "x");
  check_activation(out, op, "out");
  // A bf16 row is half as long as the f32 row it comes from: only in place at f32.
  if (out.elem() != Elem::F32) check_no_overlap(out, x, op, "out", "x");
  const int64_t W = p.width;
  require(W > 0 && x.numel() % W == 0, op,
          "width " + std::to_string(W) + " does not divide " + shape_string(x.shape()));
  require(out.numel() == x.numel(), op, "out size differs from x");
  const bool need_w = p.op == NormOp::RmsPlusOne || p.op == NormOp::Layer;
  require(!need_w || weight.defined(), op, "this norm needs a weight");
  require(p.op != NormOp::L2 || !weight.defined(), op, "the L2 norm takes no weight");
  require(p.op == NormOp::Layer || !bias.defined(), op, "only LayerNorm takes a bias");
  if (weight.defined()) {
    check_float(weight, op, "weight");
    require(weight.numel() == W, op, "weight must have width elements");
  }
  if (bias.defined()) {
    check_float(bias, op, "bias");
    require(bias.numel() == W, op, "bias must have width elements");
  }
  return x.numel() / W;
}

int64_t check_gated_rms_norm(const Tensor& x, const Tensor& z, const Tensor& weight, int64_t width,
                             const Tensor& out) {
  const char* op = "gated_rms_norm";
  check_elem(x, Elem::F32, op, "x");
  check_elem(z, Elem::F32, op, "z");
  check_elem(out, Elem::F32, op, "out");
  check_float(weight, op, "weight");
  require(width > 0 && x.numel() % width == 0, op, "width does not divide x");
  require(z.numel() == x.numel() && out.numel() == x.numel(), op, "x, z and out sizes differ");
  require(weight.numel() == width, op, "weight must have width elements");
  return x.numel() / width;
}

LinearDims check_linear(const Tensor& x, const Tensor& w, const Tensor& bias, const Tensor& out) {
  const char* op = "linear";
  check_activation(x, op, "x");
  check_weight(w, op, "w");
  require(x.rank() == 2 && w.rank() == 2, op, "x and w must be 2-D");
  const LinearDims d{x.dim(0), x.dim(1), w.dim(0)};
  require(w.dim(1) == d.in, op,
          "w " + shape_string(w.shape()) + " does not match x " + shape_string(x.shape()));
  check_elem(out, Elem::F32, op, "out");
  check_shape(out, {d.tokens, d.out}, op, "out");
  if (bias.defined()) {
    check_elem(bias, Elem::F32, op, "bias");
    check_shape(bias, {d.out}, op, "bias");
  }
  check_no_overlap(out, x, op, "out", "x");
  return d;
}

LinearDims check_linear_residual(const Tensor& x, const Tensor& w, const Tensor& bias,
                                 const Tensor& h) {
  const char* op = "linear_residual";
  check_elem(x, Elem::F32, op, "x");
  check_weight(w, op, "w");
  require(x.rank() == 2 && w.rank() == 2, op, "x and w must be 2-D");
  const LinearDims d{x.dim(0), x.dim(1), w.dim(0)};
  require(w.dim(1) == d.in, op,
          "w " + shape_string(w.shape()) + " does not match x " + shape_string(x.shape()));
  check_elem(h, Elem::F32, op, "h");
  check_shape(h, {d.tokens, d.out}, op, "h");
  if (bias.defined()) {
    check_elem(bias, Elem::F32, op, "bias");
    check_shape(bias, {d.out}, op, "bias");
  }
  check_no_overlap(h, x, op, "h", "x");
  return d;
}

LinearGluDims check_linear_glu(const Tensor& x, const Tensor& w, const Tensor& bias,
                               const Tensor& out) {
  const char* op = "linear_glu";
  check_elem(x, Elem::F32, op, "x");
  check_weight(w, op, "w");
  require(x.rank() == 2 && w.rank() == 2, op, "x and w must be 2-D");
  require(w.dim(0) % 2 == 0, op,
          "w " + shape_string(w.shape()) + " must be [2F, K] (gate and up rows)");
  const LinearGluDims d{x.dim(0), x.dim(1), w.dim(0) / 2};
  require(w.dim(1) == d.in, op,
          "w " + shape_string(w.shape()) + " does not match x " + shape_string(x.shape()));
  check_elem(out, Elem::F32, op, "out");
  check_shape(out, {d.tokens, d.width}, op, "out");
  if (bias.defined()) {
    check_elem(bias, Elem::F32, op, "bias");
    check_shape(bias, {2 * d.width}, op, "bias");
  }
  check_no_overlap(out, x, op, "out", "x");
  return d;
}

RopeDims check_rope(const Tensor& x, const Tensor& positions, const Tensor& cos, const Tensor& sin,
                    const RopeApplyParams& p) {
  const char* op = "rope";
  check_elem(x, Elem::F32, op, "x");
  check_elem(positions, Elem::I32, op, "positions");
  check_elem(cos, Elem::F32, op, "cos");
  check_elem(sin, Elem::F32, op, "sin");
  require(x.rank() == 3 && x.dim(2) == p.head_dim, op, "x must be [T, heads, head_dim]");
  require(p.rot_dim > 0 && p.rot_dim % 2 == 0 && p.rot_offset >= 0 &&
              p.rot_offset + p.rot_dim <= p.head_dim,
          op, "rotated span outside the head");
  const int64_t T = x.dim(0), half = p.rot_dim / 2;
  check_shape(positions, {T}, op, "positions");
  require(cos.rank() == 2 && cos.dim(1) == half && cos.shape() == sin.shape(), op,
          "cos/sin must both be [positions, rot_dim / 2]");
  return {T, x.dim(1), cos.dim(0)};
}

GatherDims check_gather_rows(const Tensor& x, const Tensor& rows, const Tensor& out) {
  const char* op = "gather_rows";
  check_elem(x, Elem::F32, op, "x");
  check_elem(rows, Elem::I32, op, "rows");
  check_elem(out, Elem::F32, op, "out");
  require(x.rank() >= 1 && rows.rank() == 1, op, "x needs a row dimension and rows must be 1-D");
  const int64_t n = x.dim(0), r = rows.dim(0);
  const int64_t width = n == 0 ? 0 : x.numel() / n;
  require(out.numel() == r * width && (out.rank() == 0 || out.dim(0) == r), op,
          "out " + shape_string(out.shape()) + " does not hold " + std::to_string(r) + " rows of " +
              std::to_string(width));
  return {n, r, width};
}

ArgmaxDims check_argmax(const Tensor& x, const Tensor& out) {
  const char* op = "argmax";
  check_elem(x, Elem::F32, op, "x");
  check_elem(out, Elem::I32, op, "out");
  require(x.rank() == 2 && x.dim(1) >= 1, op,
          "x must be [rows, V] with V >= 1, got " + shape_string(x.shape()));
  check_shape(out, {x.dim(0)}, op, "out");
  return {x.dim(0), x.dim(1)};
}

void check_activation(const Tensor& x, const Tensor& out) {
  const char* op = "activation";
  check_elem(x, Elem::F32, op, "x");
  check_elem(out, Elem::F32, op, "out");
  require(out.numel() == x.numel(), op, "out size differs from x");
}

GluDims check_glu(const Tensor& gate_up, const Tensor& out) {
  const char* op = "glu";
  check_elem(gate_up, Elem::F32, op, "gate_up");
  check_activation(out, op, "out");
  require(gate_up.rank() == 2 && gate_up.dim(1) % 2 == 0, op, "gate_up must be [T, 2F]");
  const GluDims d{gate_up.dim(0), gate_up.dim(1) / 2};
  check_shape(out, {d.tokens, d.width}, op, "out");
  check_no_overlap(out, gate_up, op, "out", "gate_up");
  return d;
}

void check_sigmoid_gate(const Tensor& x, const Tensor& gate, const Tensor& out) {
  const char* op = "sigmoid_gate";
  check_elem(x, Elem::F32, op, "x");
  check_elem(gate, Elem::F32, op, "gate");
  check_elem(out, Elem::F32, op, "out");
  require(x.rank() == 2 && gate.rank() == 2 && gate.dim(0) == x.dim(0) &&
              (gate.dim(1) == x.dim(1) || gate.dim(1) == 1),
          op, "gate must be [T, W] or [T, 1] for x [T, W]");
  require(out.numel() == x.numel(), op, "out size differs from x");
}

void check_softcap(const Tensor& x, float cap, const Tensor& out) {
  const char* op = "softcap";
  check_elem(x, Elem::F32, op, "x");
  check_elem(out, Elem::F32, op, "out");
  require(out.numel() == x.numel(), op, "out size differs from x");
  require(cap >= 0.0f, op, "negative cap");
}

RouterDims check_router(const Tensor& logits, const Tensor& bias, const Tensor& ids,
                        const Tensor& weights, const RouterParams& p) {
  const char* op = "router";
  check_elem(logits, Elem::F32, op, "logits");
  require(logits.rank() == 2, op, "logits must be [T, experts]");
  const RouterDims d{logits.dim(0), logits.dim(1)};
  check_elem(ids, Elem::I32, op, "ids");
  check_elem(weights, Elem::F32, op, "weights");
  check_shape(ids, {d.tokens, p.top_k}, op, "ids");
  check_shape(weights, {d.tokens, p.top_k}, op, "weights");
  if (bias.defined()) {
    check_elem(bias, Elem::F32, op, "bias");
    check_shape(bias, {d.experts}, op, "bias");
  }
  require(p.groups >= 1 && d.experts % p.groups == 0, op, "groups must divide the experts");
  require(p.top_groups >= 1 && p.top_groups <= p.groups, op, "top_groups must be in [1, groups]");
  require(p.top_k >= 1 && p.top_k <= p.top_groups * (d.experts / p.groups), op,
          "top_k exceeds the eligible experts");
  return d;
}

ConvDims check_conv1d_causal(const Tensor& x, const Tensor& weight, const Tensor& bias,
                             const Tensor& state, const Tensor& out) {
  const char* op = "conv1d_causal";
  check_elem(x, Elem::F32, op, "x");
  check_float(weight, op, "weight");
  check_elem(state, Elem::F32, op, "state");
  check_elem(out, Elem::F32, op, "out");
  require(x.rank() == 2 && weight.rank() == 2, op, "x must be [T, C], weight [C, K]");
  const ConvDims d{x.dim(0), x.dim(1), weight.dim(1)};
  require(weight.dim(0) == d.channels && d.taps >= 1, op, "weight must be [C, K]");
  check_shape(state, {d.channels, d.taps - 1}, op, "state");
  check_shape(out, {d.tokens, d.channels}, op, "out");
  if (bias.defined()) {
    check_elem(bias, Elem::F32, op, "bias");
    check_shape(bias, {d.channels}, op, "bias");
  }
  check_no_overlap(out, x, op, "out", "x");
  return d;
}

DeltaDims check_gated_delta(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& a,
                            const Tensor& b, const Tensor& a_log, const Tensor& dt_bias,
                            const Tensor& state, const Tensor& out) {
  const char* op = "gated_delta";
  check_elem(q, Elem::F32, op, "q");
  check_elem(k, Elem::F32, op, "k");
  check_elem(v, Elem::F32, op, "v");
  check_elem(a, Elem::F32, op, "a");
  check_elem(b, Elem::F32, op, "b");
  check_elem(a_log, Elem::F32, op, "a_log");
  check_elem(dt_bias, Elem::F32, op, "dt_bias");
  check_elem(state, Elem::F32, op, "state");
  check_elem(out, Elem::F32, op, "out");
  require(q.rank() == 3 && v.rank() == 3, op, "q, k must be [T, Hk, dk], v [T, Hv, dv]");
  const DeltaDims d{q.dim(0), q.dim(1), v.dim(1), q.dim(2), v.dim(2)};
  check_shape(k, q.shape(), op, "k");
  require(v.dim(0) == d.tokens && d.key_heads > 0 && d.value_heads % d.key_heads == 0, op,
          "key heads must divide value heads");
  check_shape(a, {d.tokens, d.value_heads}, op, "a");
  check_shape(b, {d.tokens, d.value_heads}, op, "b");
  check_shape(a_log, {d.value_heads}, op, "a_log");
  check_shape(dt_bias, {d.value_heads}, op, "dt_bias");
  check_shape(state, {d.value_heads, d.key_dim, d.value_dim}, op, "state");
  check_shape(out, {d.tokens, d.value_heads, d.value_dim}, op, "out");
  return d;
}

}  // namespace archscope::contract
