#include "metrics/run_summary.hpp"

#include <set>

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

std::vector<PassRange> passes_of(const std::vector<StepRecord>& steps) {
  std::vector<PassRange> out;
  for (size_t i = 0; i < steps.size(); ++i) {
    const bool starts =
        i == 0 || (steps[i].phase == Phase::Prefill && steps[i - 1].phase == Phase::Decode);
    if (starts) {
      if (!out.empty()) out.back().end = i;
      out.push_back({i, steps.size()});
    }
  }
  return out;
}

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

RunSummary summarize_steps(const std::vector<StepRecord>& steps) {
  RunSummary s;
  std::vector<double> step_ms, token_ms;  // every decode step
  std::vector<double> prefill_tps, prefill_ms, decode_tps, decode_mean_ms,
      decode_token_ms;  // per pass
  for (const PassRange& p : passes_of(steps)) {
    int64_t pt = 0, pns = 0, dt = 0, dns = 0, dsteps = 0;
    for (size_t i = p.begin; i < p.end; ++i) {
      const StepRecord& st = steps[i];
      if (st.phase == Phase::Prefill) {
        ++s.prefill_steps;
        pt += st.tokens;
        pns += st.duration_ns;
        continue;
      }
      ++dsteps;
      dt += st.tokens;
      dns += st.duration_ns;
      const double ms = static_cast<double>(st.duration_ns) / 1e6;
      step_ms.push_back(ms);
      token_ms.push_back(st.tokens > 0 ? ms / static_cast<double>(st.tokens) : 0.0);
      if (s.tokens_per_decode_step == 0) s.tokens_per_decode_step = st.tokens;
    }
    ++s.passes;
    s.prefill_tokens += pt;
    s.prefill_ns += pns;
    s.decode_steps += dsteps;
    s.decode_tokens += dt;
    s.decode_ns += dns;
    if (pns > 0) {
      prefill_tps.push_back(per_second(pt, pns));
      prefill_ms.push_back(static_cast<double>(pns) / 1e6);
    }
    if (dsteps > 0) {
      decode_tps.push_back(per_second(dt, dns));
      decode_mean_ms.push_back(static_cast<double>(dns) / 1e6 / static_cast<double>(dsteps));
      if (dt > 0)
        decode_token_ms.push_back(static_cast<double>(dns) / 1e6 / static_cast<double>(dt));
    }
  }
  s.prefill_tokens_per_s = percentile(prefill_tps, 0.5);
  s.prefill_ms = percentile(prefill_ms, 0.5);
  s.decode_tokens_per_s = percentile(decode_tps, 0.5);
  s.decode_ms_per_step_mean = percentile(decode_mean_ms, 0.5);
  s.decode_ms_per_step_p50 = percentile(step_ms, 0.5);
  s.decode_ms_per_step_p90 = percentile(step_ms, 0.9);
  // Per token: a pass's decode time over the tokens it generated (all sequences), so that
  // 1000 / ms_per_token is the pass's tokens/s and ms_per_token x batch its mean step time.
  s.decode_ms_per_token_mean = percentile(decode_token_ms, 0.5);
  s.decode_ms_per_token_p50 = percentile(token_ms, 0.5);
  s.decode_ms_per_token_p90 = percentile(std::move(token_ms), 0.9);
  return s;
}

void add_span_totals(RunSummary& s, const std::vector<SpanRecord>& spans) {
  std::set<int64_t> prefill_steps, decode_steps;
  for (const SpanRecord& sp : spans) {
    add_span(sp.phase == Phase::Prefill ? s.prefill : s.decode, sp);
    (sp.phase == Phase::Prefill ? prefill_steps : decode_steps).insert(sp.step);
  }
  s.prefill.steps_with_spans = static_cast<int64_t>(prefill_steps.size());
  s.decode.steps_with_spans = static_cast<int64_t>(decode_steps.size());
  finish_rates(s.prefill);
  finish_rates(s.decode);
}

RunSummary summarize(const std::vector<StepRecord>& steps, const std::vector<SpanRecord>& spans,
                     const std::vector<ActivationRecord>& activations) {
  RunSummary s = summarize_steps(steps);
  add_span_totals(s, spans);
  s.first_nan = first_nan(activations);
  return s;
}

double per_step_ns(const RunSummary& s, Phase phase, int64_t total_ns) {
  // Prefill steps are always traced (a sampled run samples decode steps only).
  const int64_t steps = phase == Phase::Prefill         ? s.passes
                        : s.decode.steps_with_spans > 0 ? s.decode.steps_with_spans
                                                        : s.decode_steps;
  if (phase == Phase::Prefill && s.prefill_steps == 0) return 0.0;
  return steps > 0 ? static_cast<double>(total_ns) / static_cast<double>(steps) : 0.0;
}

}  // namespace archscope::prof
