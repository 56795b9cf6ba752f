#include "session/stored_run.hpp"

#include <tuple>

#include "metrics/span_rate.hpp"

namespace archscope::prof::session {

RunData load_run_data(store::RunStore& store, int64_t id) {
  RunData d;
  d.run = store.get_run(id);  // NotFound before the snapshot, so the message names the id
  store::RunStore::ReadSnapshot snapshot(store);
  d.run = store.get_run(id);
  d.steps = store.load_steps(id);
  d.spans = store.load_spans(id);
  d.expert_counts = store.load_expert_counts(id);
  d.activations = store.load_activations(id);
  d.kernels = store.load_kernels(id);
  d.step_memory = store.load_step_memory(id);
  return d;
}

StoredSummary load_run_summary(store::RunStore& store, int64_t id) {
  StoredSummary out;
  out.run = store.get_run(id);
  store::RunStore::ReadSnapshot snapshot(store);
  out.run = store.get_run(id);
  out.steps = store.load_steps(id);
  out.summary = summarize_steps(out.steps);
  for (const store::LayerTime& l : store.layer_times(id)) {
    PhaseTimes& t = l.phase == Phase::Prefill ? out.summary.prefill : out.summary.decode;
    t.layer_ns[l.layer] += l.total_ns;
  }
  for (const store::KindTime& k : store.kind_times(id)) {
    PhaseTimes& t = k.phase == Phase::Prefill ? out.summary.prefill : out.summary.decode;
    t.kind_ns[k.kind] += k.total_ns;
    t.spans += k.spans;
    t.span_ns += k.total_ns;
    t.flops += k.flops;
    t.bytes += k.bytes;
  }
  std::tie(out.summary.prefill.steps_with_spans, out.summary.decode.steps_with_spans) =
      store.steps_with_spans(id);
  for (PhaseTimes* t : {&out.summary.prefill, &out.summary.decode}) {
    const SpanRate r = rate(t->flops, t->bytes, t->span_ns);
    t->gflop_per_s = r.gflop_per_s;
    t->gb_per_s = r.gb_per_s;
  }
  out.summary.first_nan = first_nan(store.load_activations(id));
  out.expert_counts = store.load_expert_counts(id);
  return out;
}

}  // namespace archscope::prof::session
