// Dense FFN and MoE blocks. MoE runs on the backend from router to combine, with no host round
// trip: router logits and top-k selection, moe_group (the T*k slots sorted by expert, with
// per-expert offsets in device memory), gather_rows of the slots' token rows, (Llama 4) the router
// weight scaling each slot's input, the stacked experts through grouped_linear (gate/up or up,
// activation, down), and index_add back into the token rows with each slot's router weight
// (omitted when it scaled the input). Shared experts, with their optional sigmoid gate, are added
// last. The selection is handed to the observer after the layer (Step::routed_ids).
#include <optional>

#include "common/error.hpp"
#include "model/step.hpp"

namespace archscope::model_detail {

namespace {

GluParams glu_params(const FfnConfig& f, bool interleaved) {
  GluParams p;
  p.layout = interleaved ? GluLayout::Interleaved : GluLayout::Halves;
  switch (f.kind) {
    case FfnKind::SwiGlu: p.kind = GluKind::SwiGlu; break;
    case FfnKind::GeGlu: p.kind = f.gelu_tanh ? GluKind::GeGluTanh : GluKind::GeGluExact; break;
    case FfnKind::SwiGluClamped:
      p.kind = GluKind::SwiGluClamped;
      p.limit = static_cast<float>(f.clamp_limit);
      p.alpha = static_cast<float>(f.glu_alpha);
      break;
    default: throw Error(ErrorKind::Internal, "ffn", "not a gated FFN");
  }
  return p;
}

bool gated(FfnKind k) { return k != FfnKind::Gelu && k != FfnKind::Relu; }

Activation plain_activation(const FfnConfig& f) {
  return f.kind == FfnKind::Relu ? Activation::Relu : f.gelu_tanh ? Activation::GeluTanh : Activation::GeluExact;
}

// The three steps of an FFN, each optionally reported under the plan's dense-FFN names. With
// `residual`, the down projection is added into it as one op with the plan's "ffn_residual"
// (linear_residual) and the residual is returned.
Tensor ffn_steps(Step& st, const FfnWeights& w, const Tensor& x, int64_t layer, bool report,
                 Tensor* residual = nullptr) {
  const FfnConfig& f = st.c.ffn;
  const int64_t n = x.dim(0), width = w.down.dim(1);
  // The GLU's output goes to the down projection only (the plain activation runs in place on
  // the up projection's fp32 output). One decode row: the gate|up projection and the GLU as one
  // op (the CUDA GEMV applies the GLU in its epilogue, so the [1, 2F] intermediate never reaches
  // memory); linear_glu reads and writes fp32, so it is taken only where x is fp32.
  const bool fused_glu = gated(f.kind) && n == 1 && st.be.fuses_ops() && x.elem() == Elem::F32;
  // linear_residual (the down projection added into `residual`) reads fp32 too.
  Tensor act = gated(f.kind) && !fused_glu && !residual ? st.alloc_linear_input(w.down, {n, width})
                                                        : st.alloc({n, width});
  if (fused_glu) {
    std::optional<OpScope> op;
    if (report) op.emplace(st, layer, "gate_proj", "up_proj,act");
    st.be.linear_glu(st.s, x, w.gate_up, w.gate_up_bias, act, glu_params(f, w.interleaved));
  } else if (gated(f.kind)) {
    Tensor gu = st.alloc({n, 2 * width});
    {
      std::optional<OpScope> op;
      if (report) op.emplace(st, layer, "gate_proj", "up_proj");
      st.be.linear(st.s, x, w.gate_up, w.gate_up_bias, gu);
    }
    std::optional<OpScope> op;
    if (report) op.emplace(st, layer, "act");
    st.be.glu(st.s, gu, act, glu_params(f, w.interleaved));
  } else {
    {
      std::optional<OpScope> op;
      if (report) op.emplace(st, layer, "up_proj");
      st.be.linear(st.s, x, w.up, w.up_bias, act);
    }
    std::optional<OpScope> op;
    if (report) op.emplace(st, layer, "act");
    st.be.activation(st.s, act, act, plain_activation(f));
  }
  if (residual) {
    std::optional<OpScope> op;
    if (report) op.emplace(st, layer, "down_proj", "ffn_residual");
    st.be.linear_residual(st.s, act, w.down, w.down_bias, *residual);
    return *residual;
  }
  Tensor y = st.alloc({n, st.c.d_model});
  std::optional<OpScope> op;
  if (report) op.emplace(st, layer, "down_proj");
  st.be.linear(st.s, act, w.down, w.down_bias, y);
  return y;
}

}  // namespace

Tensor run_ffn(Step& st, const FfnWeights& w, const Tensor& x) { return ffn_steps(st, w, x, 0, false); }

Tensor dense_ffn_block(Step& st, int64_t layer, const FfnWeights& w, const Tensor& x) {
  return ffn_steps(st, w, x, layer, true);
}

void dense_ffn_residual_block(Step& st, int64_t layer, const FfnWeights& w, const Tensor& x, Tensor& h) {
  ffn_steps(st, w, x, layer, true, &h);
}

Tensor moe_block(Step& st, int64_t layer, const MoeWeights& w, const Tensor& x) {
  const MoeConfig& m = st.c.moe;
  const ExpertWeights& ex = w.experts;
  const int64_t T = st.rows, E = m.experts, K = m.top_k, d = st.c.d_model, S = T * K;
  Tensor ids = st.be.alloc(Elem::I32, {T, K}), weights = st.alloc({T, K});
  {
    OpScope op(st, layer, "router");
    Tensor logits = st.alloc({T, E});
    st.be.linear(st.s, x, w.router, w.router_bias, logits);
    RouterParams p;
    p.score = m.scoring == RouterScoring::Sigmoid ? RouterScore::Sigmoid : RouterScore::Softmax;
    p.top_k = K;
    p.renormalize = m.renormalize;
    p.groups = m.groups;
    p.top_groups = m.top_groups;
    p.routed_scaling = static_cast<float>(m.routed_scaling);
    st.be.router(st.s, logits, w.selection_bias, ids, weights, p);
  }
  Tensor out = st.alloc({T, d});
  {
    OpScope op(st, layer, "experts");
    Tensor token_of = st.be.alloc(Elem::I32, {S}), weight_of = st.alloc({S}), offsets = st.be.alloc(Elem::I32, {E + 1});
    st.be.moe_group(st.s, ids, weights, E, token_of, weight_of, offsets);
    Tensor xs = st.alloc({S, d});
    st.be.gather_rows(st.s, x, token_of, xs);
    if (m.weight_input) st.be.scale(st.s, xs, 1.0f, weight_of, xs);
    const int64_t F = ex.down.dim(2);
    Tensor act = st.alloc({S, F});
    if (gated(st.c.ffn.kind)) {
      Tensor gu = st.alloc({S, 2 * F});
      st.be.grouped_linear(st.s, xs, ex.gate_up, ex.gate_up_bias, offsets, gu);
      st.be.glu(st.s, gu, act, glu_params(st.c.ffn, ex.interleaved));
    } else {
      st.be.grouped_linear(st.s, xs, ex.up, ex.up_bias, offsets, act);
      st.be.activation(st.s, act, act, plain_activation(st.c.ffn));
    }
    Tensor ys = st.alloc({S, d});
    st.be.grouped_linear(st.s, act, ex.down, ex.down_bias, offsets, ys);
    st.be.fill(st.s, out, 0.0f);
    st.be.index_add(st.s, ys, token_of, m.weight_input ? Tensor() : weight_of, out);
  }
  st.routed_ids = ids;
  if (m.shared_experts > 0 && m.shared_d_ff > 0) {
    Tensor sh;
    {
      OpScope op(st, layer, "shared_expert");
      sh = run_ffn(st, w.shared, x);
    }
    if (m.shared_gate) {
      OpScope op(st, layer, "shared_gate");
      Tensor g = st.alloc({T, 1});
      st.be.linear(st.s, x, w.shared_gate, Tensor(), g);
      st.be.sigmoid_gate(st.s, sh, g, sh);
    }
    OpScope op(st, layer, "shared_add");
    st.be.add(st.s, out, sh, 1.0f, out);
  }
  return out;
}

}  // namespace archscope::model_detail
