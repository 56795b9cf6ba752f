// Dense FFN and MoE blocks. MoE: router logits and top-k selection on the backend; the selection
// is read back to group token rows per expert (gathered with the embedding op, so every step
// stays a backend op), each expert runs on its rows, and results are scattered back with their
// routing weight (or, Llama 4, the weight scales the expert's input). Shared experts, with their
// optional sigmoid gate, are added last.
#include <map>
#include <optional>
#include <vector>

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

// The three steps of an FFN, each optionally reported under the plan's dense-FFN names.
Tensor ffn_steps(Step& st, const FfnWeights& w, const Tensor& x, int64_t layer, bool report) {
  const FfnConfig& f = st.c.ffn;
  const int64_t n = x.dim(0), width = w.down.dim(1);
  Tensor act = st.alloc({n, width});
  if (gated(f.kind)) {
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
    const Activation a = f.kind == FfnKind::Relu ? Activation::Relu : f.gelu_tanh ? Activation::GeluTanh : Activation::GeluExact;
    st.be.activation(st.s, act, act, a);
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

Tensor moe_block(Step& st, int64_t layer, const MoeWeights& w, const Tensor& x) {
  const MoeConfig& m = st.c.moe;
  const int64_t T = st.rows, E = m.experts, K = m.top_k, d = st.c.d_model;
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
  Tensor out = zeros(st, {T, d});
  std::vector<int32_t> hid(static_cast<size_t>(T * K));  // the selection, kept for the observer
  {
    OpScope op(st, layer, "experts");
    std::vector<float> hw(static_cast<size_t>(T * K));
    st.be.download(st.s, ids, hid.data());
    st.be.download(st.s, weights, hw.data());
    st.be.synchronize(st.s);
    std::map<int32_t, std::vector<std::pair<int32_t, float>>> by_expert;  // expert -> (row, weight)
    for (int64_t i = 0; i < T * K; ++i) {
      if (hid[static_cast<size_t>(i)] < 0 || hid[static_cast<size_t>(i)] >= E)
        throw Error(ErrorKind::Internal, "moe", "router returned expert " + std::to_string(hid[static_cast<size_t>(i)]));
      by_expert[hid[static_cast<size_t>(i)]].push_back({static_cast<int32_t>(i / K), hw[static_cast<size_t>(i)]});
    }
    for (auto& [e, sel] : by_expert) {
      const int64_t n = static_cast<int64_t>(sel.size());
      std::vector<int32_t> rows(sel.size());
      for (size_t i = 0; i < sel.size(); ++i) rows[i] = sel[i].first;
      Tensor idx = st.be.alloc(Elem::I32, {n});
      st.be.upload(st.s, rows.data(), idx);
      Tensor xe = st.alloc({n, d});
      st.be.embedding(st.s, idx, x, 1.0f, Tensor(), Tensor(), xe);  // gather the expert's rows
      st.be.synchronize(st.s);  // `rows` is host memory
      if (m.weight_input)
        for (int64_t i = 0; i < n; ++i) {
          Tensor r = xe.slice_rows(i, 1);
          st.be.scale(st.s, r, sel[static_cast<size_t>(i)].second, Tensor(), r);
        }
      Tensor y = run_ffn(st, w.experts[static_cast<size_t>(e)], xe);
      for (int64_t i = 0; i < n; ++i) {
        Tensor dst = out.slice_rows(sel[static_cast<size_t>(i)].first, 1);
        st.be.add(st.s, dst, y.slice_rows(i, 1), m.weight_input ? 1.0f : sel[static_cast<size_t>(i)].second, dst);
      }
    }
  }
  if (st.observer) st.observer->routed(layer, hid, K);
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
