// Mixture of experts: router, routed experts (one fused op), shared experts and their gate.
//
// Router: logits (d_model × experts, bf16 like every router checkpoint), optional router bias,
// scoring (softmax or sigmoid), optional selection bias (DeepSeek-V3's per-expert correction,
// counted as parameters), one selection pass over the experts (group-limited routing included),
// optional renormalisation.
// Experts: each token runs top_k experts; the op owns all experts' parameters, top_k of them are
// active per token. The weighted combine (multiply + sum per selected expert) and the routed
// scaling are part of the op; activations are modelled fused (inputs read once per selected
// expert, the combined output written once).
// Expert weight traffic: under uniform routing, R routing decisions of top_k among E experts
// leave a given expert untouched with probability (1 − k/E)^R, so E·(1 − (1 − k/E)^R) experts
// are read, R = batch in decode and batch × tokens in prefill; rounded to whole bytes.
// Shared experts: S shared experts of width shared_d_ff run as one FFN of width S·shared_d_ff
// (same parameters and FLOPs), optionally gated by sigmoid(x · w_gate) (Qwen3-Next), then added to
// the routed output. expert_bias applies to routed experts only.
#include <cmath>

#include "plan/builder.hpp"
#include "plan/costs.hpp"

namespace archscope::plan_detail {

namespace {

OpDraft router(const Builder& b) {
  const MoeConfig& m = b.config.moe;
  const int64_t d = b.config.d_model, e = m.experts, k = m.top_k;
  const wide rows = w(b.rows);
  OpDraft r = b.matmul("router", Component::Router, d, e, m.router_bias, /*plain=*/true);
  r.kind = OpKind::Router;
  r.output = b.row({k});
  if (m.selection_bias) {
    r.params += w(e);
    r.params_active += w(e);
    r.param_bytes += b.plain_bytes(w(e));
    r.bytes_read += b.plain_bytes(w(e));
    r.flops += rows * w(e);
  }
  const int64_t scoring = m.scoring == RouterScoring::Sigmoid ? costs::kSigmoid : costs::kSoftmax;
  r.flops += rows * w(e) * w(scoring + costs::kTopKSelect);
  if (m.renormalize) r.flops += rows * w(2 * k);
  // Replace the logits write by the selection: top_k weights (activation dtype) and int32 ids.
  r.bytes_written = b.act_bytes(rows * w(k)) + rows * w(k) * 4;
  return r;
}

OpDraft experts(const Builder& b) {
  const MoeConfig& m = b.config.moe;
  const int64_t d = b.config.d_model, e = m.experts, k = m.top_k, f = m.expert_d_ff;
  const bool gated = costs::ffn_gated(b.config.ffn.kind);
  const wide rows = w(b.rows);
  const wide matrices = w(gated ? 3 : 2) * w(d) * w(f);
  const wide biases = m.expert_bias ? w(gated ? 2 * f : f) + w(d) : 0;
  // gate and up [f, d] (gated kinds), down [d, f]: each its own matrix, as the checkpoints store
  // them (a scheme's partial blocks are per matrix).
  const wide per_expert_bytes =
      (gated ? 2 : 1) * b.expert_linear_bytes(f, d) + b.expert_linear_bytes(d, f) + b.plain_bytes(biases);

  OpDraft x;
  x.name = "experts";
  x.kind = OpKind::Experts;
  x.component = Component::RoutedExperts;
  x.inputs = {b.row({d}), b.row({k})};
  x.output = b.row({d});
  x.params = w(e) * (matrices + biases);
  x.params_active = w(k) * (matrices + biases);
  x.param_bytes = w(e) * per_expert_bytes;
  const wide per_token_expert = 2 * matrices + w(f) * w(costs::ffn_activation(b.config.ffn)) +
                                biases + 2 * w(d);  // + weighted combine
  x.flops = rows * w(k) * per_token_expert;
  if (m.routed_scaling != 1.0) x.flops += rows * w(d);

  const long double keep = 1.0L - static_cast<long double>(k) / static_cast<long double>(e);
  const long double touched =
      static_cast<long double>(e) * (1.0L - std::pow(keep, static_cast<long double>(b.rows)));
  const wide weight_read =
      static_cast<wide>(std::llround(touched * static_cast<long double>(per_expert_bytes)));
  x.bytes_read = weight_read + b.act_bytes(rows * w(k) * w(d));
  x.bytes_written = b.act_bytes(rows * w(d));
  x.compute = b.matmul_compute();
  return x;
}

OpDraft shared_experts(const Builder& b) {
  const MoeConfig& m = b.config.moe;
  const int64_t d = b.config.d_model, f = m.shared_experts * m.shared_d_ff;
  const bool gated = costs::ffn_gated(b.config.ffn.kind);
  const wide rows = w(b.rows);
  const wide matrices = w(gated ? 3 : 2) * w(d) * w(f);
  OpDraft x;
  x.name = "shared_expert";
  x.kind = OpKind::Experts;
  x.component = Component::SharedExperts;
  x.inputs = {b.row({d})};
  x.output = b.row({d});
  x.params = x.params_active = matrices;
  x.param_bytes = (gated ? 2 : 1) * b.linear_bytes(f, d) + b.linear_bytes(d, f);
  x.flops = rows * (2 * matrices + w(f) * w(costs::ffn_activation(b.config.ffn)));
  x.bytes_read = x.param_bytes + b.act_bytes(rows * w(d));
  x.bytes_written = b.act_bytes(rows * w(d));
  x.compute = b.matmul_compute();
  return x;
}

}  // namespace

void add_moe(const Builder& b, std::vector<Op>& ops) {
  const MoeConfig& m = b.config.moe;
  const int64_t d = b.config.d_model;
  ops.push_back(finish(router(b)));
  ops.push_back(finish(experts(b)));
  if (m.shared_experts > 0 && m.shared_d_ff > 0) {
    ops.push_back(finish(shared_experts(b)));
    if (m.shared_gate) {
      // sigmoid(x · w) with w of d_model, then scale the shared output.
      OpDraft g = b.matmul("shared_gate", Component::SharedExperts, d, 1, false, /*plain=*/true);
      g.kind = OpKind::Gate;
      g.inputs.push_back(b.row({d}));
      g.output = b.row({d});
      g.flops += w(b.rows) * (costs::kSigmoid + w(d));
      g.bytes_read += b.act_bytes(w(b.rows) * w(d));
      g.bytes_written = b.act_bytes(w(b.rows) * w(d));
      ops.push_back(finish(g));
    }
    ops.push_back(finish(b.residual("shared_add", Component::SharedExperts)));
  }
}

}  // namespace archscope::plan_detail
