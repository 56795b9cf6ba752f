// Per-run summary computed from the run's records: what a report shows first. Computed, never
// stored: the records are the source of truth, so a summary of a stored run is recomputed by the
// same code that summarised it live.
//
// Conventions:
//  - Step times come from StepRecords (wall time of the whole step, including the gaps between
//    ops); per-layer and per-kind totals come from SpanRecords (op time only). The two differ by
//    host overhead, which is worth seeing.
//  - A decode step adds one token to every sequence, so its duration is the per-token latency each
//    sequence sees: decode ms/token statistics are over decode step durations. Throughput
//    (tokens/s) counts the tokens of all sequences.
//  - Prefill may span several steps (chunked prefill): its time and tokens are summed.
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
};

// Where a NaN/Inf first appeared: the earliest (step, layer) whose ActivationRecord is not
// finite, with the op named there (empty when the engine could not tell).
struct NanSite {
  int64_t step = 0;
  int32_t layer = 0;
  std::string op;
  bool operator==(const NanSite&) const = default;
};

struct RunSummary {
  int64_t prefill_steps = 0;
  int64_t prefill_tokens = 0;
  int64_t prefill_ns = 0;
  double prefill_tokens_per_s = 0;

  int64_t decode_steps = 0;
  int64_t decode_tokens = 0;
  int64_t decode_ns = 0;
  double decode_tokens_per_s = 0;
  double decode_ms_per_token_mean = 0;
  double decode_ms_per_token_p50 = 0;
  double decode_ms_per_token_p90 = 0;

  PhaseTimes prefill;
  PhaseTimes decode;

  std::optional<NanSite> first_nan;
};

RunSummary summarize(const std::vector<StepRecord>& steps, const std::vector<SpanRecord>& spans,
                     const std::vector<ActivationRecord>& activations);

// The first non-finite activation, or nullopt when every record is finite.
std::optional<NanSite> first_nan(const std::vector<ActivationRecord>& activations);

}  // namespace archscope::prof
