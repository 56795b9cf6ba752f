// Per-run summary computed from the run's records: what a report shows first. Computed, never
// stored: the records are the source of truth, so a summary of a stored run is recomputed by the
// same code that summarised it live.
//
// Conventions:
//  - Step times come from StepRecords (wall time of the whole step, including the gaps between
//    ops); per-layer and per-kind totals come from SpanRecords (op time only). The two differ by
//    host overhead, which is worth seeing.
//  - A decode step adds one token to every sequence of the batch. Its duration is the step
//    latency (ms_per_step); divided by the tokens of the step (the batch) it is the time per
//    generated token (ms_per_token), so tokens/s = 1000 / ms_per_token over a pass.
//  - A run may hold several measured passes (`run --repeat N`): each pass begins with a prefill
//    step that follows a decode step (or the first step). Consecutive prefill steps are one
//    prefill in pieces (chunked prefill): their time and tokens are summed. Headline figures
//    (tokens/s, mean step time, prefill time) are the median over passes of each pass's figure;
//    p50 / p90 are over every decode step of every pass.
//  - Missing data gives 0 (no decode steps: every decode figure is 0 and decode_steps says why),
//    never NaN, which JSON cannot carry.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/run_records.hpp"

namespace archscope::prof {

// Span time totals of one phase.
struct PhaseTimes {
  int64_t spans = 0;
  int64_t span_ns = 0;  // Σ span durations
  uint64_t flops = 0;   // Σ predicted FLOPs of those spans
  uint64_t bytes = 0;
  double gflop_per_s = 0;  // flops / span_ns: the phase's achieved rate over op time
  double gb_per_s = 0;
  std::map<int32_t, int64_t> layer_ns;     // layer -1: prologue, n_layers: epilogue; no `other`
  std::map<std::string, int64_t> kind_ns;  // by OpKind name ("matmul", "attention", ...), "other"
  // Steps of the phase that have spans: every step, but for the untraced steps of a sampled
  // CUPTI run (`run --cupti-sample N`). Per-step span figures divide by these (per_step_ns).
  int64_t steps_with_spans = 0;
};

// Where a NaN/Inf first appeared: the earliest (step, layer) whose ActivationRecord is not
// finite, with the op named there (empty when the engine could not tell).
struct NanSite {
  int64_t step = 0;
  int32_t layer = 0;
  std::string op;
  bool operator==(const NanSite&) const = default;
};

// Steps [begin, end) of the step list form one measured pass (prefill + its decode steps).
struct PassRange {
  size_t begin = 0, end = 0;
};
std::vector<PassRange> passes_of(const std::vector<StepRecord>& steps);

struct RunSummary {
  int64_t passes = 0;                  // measured passes found in the steps
  int64_t tokens_per_decode_step = 0;  // the batch: tokens of one decode step (0: no decode)

  int64_t prefill_steps = 0;
  int64_t prefill_tokens = 0;       // Σ over passes
  int64_t prefill_ns = 0;           // Σ over passes
  double prefill_tokens_per_s = 0;  // median over passes
  double prefill_ms = 0;            // one pass's prefill wall time, median over passes

  int64_t decode_steps = 0;  // Σ over passes
  int64_t decode_tokens = 0;
  int64_t decode_ns = 0;
  double decode_tokens_per_s = 0;      // median over passes
  double decode_ms_per_step_mean = 0;  // median over passes of the pass's mean step time
  double decode_ms_per_step_p50 = 0;   // over every decode step
  double decode_ms_per_step_p90 = 0;
  double decode_ms_per_token_mean = 0;  // the step figures divided by the tokens of each step
  double decode_ms_per_token_p50 = 0;
  double decode_ms_per_token_p90 = 0;

  PhaseTimes prefill;  // Σ over every step of the phase
  PhaseTimes decode;

  std::optional<NanSite> first_nan;
};

// Step figures only (prefill, decode, passes); PhaseTimes left empty.
RunSummary summarize_steps(const std::vector<StepRecord>& steps);
// Adds the spans' per-phase totals to a summary.
void add_span_totals(RunSummary& s, const std::vector<SpanRecord>& spans);

RunSummary summarize(const std::vector<StepRecord>& steps, const std::vector<SpanRecord>& spans,
                     const std::vector<ActivationRecord>& activations);

// Span time of one phase per step: the prefill per pass (all its pieces), decode per decode step
// that has spans (the traced ones of a sampled run: PhaseTimes::steps_with_spans when set, else
// every decode step). 0 when the phase has no steps.
double per_step_ns(const RunSummary& s, Phase phase, int64_t total_ns);

// The first non-finite activation, or nullopt when every record is finite.
std::optional<NanSite> first_nan(const std::vector<ActivationRecord>& activations);

}  // namespace archscope::prof
