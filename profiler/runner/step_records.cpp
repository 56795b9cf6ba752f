#include "runner/step_records.hpp"

#include "config/model_config.hpp"

namespace archscope::prof {

void sample_kv(const KvAccounting& kv, StepRecord& into) {
  into.kv_allocated_bytes = kv.total.allocated;
  into.kv_used_bytes = kv.total.used;
  into.kv_used_by_kind.clear();
  for (int k = 0; k < kKindCount; ++k) {
    const KvBytes& b = kv.per_kind[static_cast<size_t>(k)];
    // Kinds the model has (they hold allocated pools or states), including those still empty.
    if (b.allocated > 0 || b.used > 0) into.kv_used_by_kind[to_string(static_cast<AttentionKind>(k))] = b.used;
  }
}

StepRecords step_records(const StepMeta& meta, const StepObservation& obs, const StepCosts& costs,
                         const KvAccounting& kv) {
  StepRecords r;
  r.step.step = meta.step;
  r.step.phase = meta.phase;
  r.step.tokens = meta.tokens;
  r.step.start_ns = obs.start_ns;
  r.step.duration_ns = obs.duration_ns;
  r.step.context_tokens = meta.context_tokens;
  sample_kv(kv, r.step);

  r.spans.reserve(obs.ops.size());
  for (const TimedOp& op : obs.ops) {
    const OpCost c = costs.cost(op.layer, op.op, op.also);
    SpanRecord s;
    s.step = meta.step;
    s.phase = meta.phase;
    s.layer = op.layer;
    s.op = op.op;
    s.kind = c.kind;
    s.start_ns = op.start_ns;
    s.duration_ns = op.duration_ns;
    s.flops = c.flops;
    s.bytes = c.bytes;
    r.spans.push_back(std::move(s));
  }
  if (!obs.ops.empty()) {  // spans were recorded: the time outside them as the step's `other` span
    SpanRecord o;
    o.step = meta.step;
    o.phase = meta.phase;
    o.layer = kStepLayer;
    o.op = kOtherOp;
    o.kind = kOtherOp;
    o.start_ns = obs.start_ns;
    o.duration_ns = obs.outside_ops_ns;
    r.spans.push_back(std::move(o));
  }
  for (const auto& [layer, counts] : obs.tokens_per_expert) r.expert_counts.push_back({meta.step, layer, counts});
  for (const LayerActivation& a : obs.activations) {
    ActivationRecord rec{meta.step, a.layer, a.rms, a.finite, {}};
    if (const auto it = obs.first_bad_op.find(a.layer); it != obs.first_bad_op.end() && !a.finite)
      rec.first_bad_op = it->second;
    r.activations.push_back(std::move(rec));
  }
  return r;
}

}  // namespace archscope::prof
