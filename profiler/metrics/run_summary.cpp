#include "metrics/run_summary.hpp"

#include <numeric>

#include "metrics/percentile.hpp"
#include "metrics/span_rate.hpp"

namespace archscope::prof {

namespace {

double per_second(int64_t count, int64_t ns) {
  return ns > 0 ? static_cast<double>(count) * 1e9 / static_cast<double>(ns) : 0.0;
}

void add_span(PhaseTimes& t, const SpanRecord& s) {
  ++t.spans;
  t.span_ns += s.duration_ns;
  t.flops += s.flops;
  t.bytes += s.bytes;
  if (!is_other(s)) t.layer_ns[s.layer] += s.duration_ns;  // `other` belongs to no layer
  t.kind_ns[s.kind] += s.duration_ns;
}

void finish_rates(PhaseTimes& t) {
  const SpanRate r = rate(t.flops, t.bytes, t.span_ns);
  t.gflop_per_s = r.gflop_per_s;
  t.gb_per_s = r.gb_per_s;
}

}  // namespace

std::optional<NanSite> first_nan(const std::vector<ActivationRecord>& activations) {
  std::optional<NanSite> first;
  for (const ActivationRecord& a : activations) {
    if (a.finite) continue;
    // Records may arrive out of order (batched by layer); the earliest (step, layer) wins.
    if (!first || a.step < first->step || (a.step == first->step && a.layer < first->layer))
      first = NanSite{a.step, a.layer, a.first_bad_op};
  }
  return first;
}

RunSummary summarize(const std::vector<StepRecord>& steps, const std::vector<SpanRecord>& spans,
                     const std::vector<ActivationRecord>& activations) {
  RunSummary s;
  std::vector<double> decode_ms;
  for (const StepRecord& st : steps) {
    if (st.phase == Phase::Prefill) {
      ++s.prefill_steps;
      s.prefill_tokens += st.tokens;
      s.prefill_ns += st.duration_ns;
    } else {
      ++s.decode_steps;
      s.decode_tokens += st.tokens;
      s.decode_ns += st.duration_ns;
      decode_ms.push_back(static_cast<double>(st.duration_ns) / 1e6);
    }
  }
  s.prefill_tokens_per_s = per_second(s.prefill_tokens, s.prefill_ns);
  s.decode_tokens_per_s = per_second(s.decode_tokens, s.decode_ns);
  if (!decode_ms.empty()) {
    s.decode_ms_per_token_mean = std::accumulate(decode_ms.begin(), decode_ms.end(), 0.0) /
                                 static_cast<double>(decode_ms.size());
    s.decode_ms_per_token_p50 = percentile(decode_ms, 0.5);
    s.decode_ms_per_token_p90 = percentile(std::move(decode_ms), 0.9);
  }
  for (const SpanRecord& sp : spans)
    add_span(sp.phase == Phase::Prefill ? s.prefill : s.decode, sp);
  finish_rates(s.prefill);
  finish_rates(s.decode);
  s.first_nan = first_nan(activations);
  return s;
}

}  // namespace archscope::prof
