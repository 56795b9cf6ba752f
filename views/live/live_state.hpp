// The live state of a profiled run, folded from its events (profiler/events): what the terminal
// view of `archscope run` and the desktop app's live views both draw. The fold holds no drawing
// and no toolkit; the same events from a run of this process or from a run followed in the
// database (profiler/session/run_follower.hpp) give the same state.
//
// Series over the run (one point per recorded step) are ring buffers: a long run keeps the latest
// `history` points; totals and running means cover the whole run.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "events/events.hpp"
#include "live/ring_buffer.hpp"

namespace archscope::views::live {

// One recorded step, as the series show it.
struct StepPoint {
  int64_t step = 0;
  prof::Phase phase = prof::Phase::Prefill;
  int64_t tokens = 0;       // all sequences
  double ms = 0;            // the step's wall time
  double tokens_per_s = 0;  // tokens / ms
  uint64_t kv_used_bytes = 0;
  uint64_t kv_allocated_bytes = 0;
  std::map<std::string, uint64_t> kv_used_by_kind;  // "full", "sliding", "chunked", "mla", "linear"
  int64_t context_tokens = 0;
};

// Span time of a set of steps per layer and op kind ("matmul", "attention", ...), ns. Layer -1 is
// the prologue (embedding), n_layers the epilogue (final norm, head).
using LayerKindNs = std::map<int32_t, std::map<std::string, int64_t>>;

struct PhaseTotals {
  int64_t steps = 0;
  int64_t tokens = 0;
  int64_t ns = 0;       // Σ step wall time
  LayerKindNs span_ns;  // Σ over the phase's steps that had spans
  // Steps that had op spans: all of them, but for untraced steps of a sampled CUPTI run
  // (`run --cupti-sample`); the running mean of span_ns divides by this.
  int64_t spanned_steps = 0;
};

struct LiveState {
  bool started = false;
  bool finished = false;  // RunFinished or RunFailed seen
  prof::RunInfo run;      // as announced; final (status, failure) once finished
  int32_t n_layers = 0;   // from the run's configuration (0 when unknown)

  int64_t total_steps = 0;  // recorded steps the run will make: repeat × (prefill chunks + new)
  int64_t steps_done = 0;   // recorded steps seen
  std::optional<prof::StepProgress> in_flight;  // the latest progress of a step not finished yet

  std::optional<StepPoint> last_step;
  RingBuffer<StepPoint> history{4096};
  PhaseTotals prefill, decode;
  int64_t last_prefill_tokens = 0, last_prefill_ns = 0;  // the latest pass's prefill

  int64_t layers_step = -1;  // step of `layers` (-1: none yet)
  prof::Phase layers_phase = prof::Phase::Prefill;
  LayerKindNs layers;                               // span time of the latest finished step
  std::map<std::string, uint64_t> kv_used_by_kind;  // at the latest step

  std::map<int32_t, std::vector<int64_t>>
      experts_last;  // MoE layer -> tokens per expert, latest step
  std::map<int32_t, std::vector<int64_t>> experts_cumulative;  // ... over the run
  std::map<int32_t, double> residual_rms;  // after each layer, latest step with activation records
  std::optional<prof::NanSite> first_nan;  // earliest non-finite residual site

  std::optional<prof::WeightsQuantized> weights_quant;  // runs with quantized weights

  uint64_t events_dropped = 0;              // events this fold never saw (its queue was full)
  std::optional<prof::RunSummary> summary;  // at RunFinished
  std::string failure;                      // at RunFailed

  // Derived figures over the decode steps so far (0 before the first).
  double decode_tokens_per_s() const;
  double decode_ms_per_step() const;
  double decode_ms_per_token() const;
  double prefill_tokens_per_s() const;  // the latest pass's prefill
};

class LiveFold {
 public:
  explicit LiveFold(size_t history = 4096);
  void apply(const prof::Event& e);
  const LiveState& state() const { return s_; }

 private:
  void on_step(const prof::StepRecord& st);
  LiveState s_;
  int64_t spans_step_ = -1;  // the step whose spans are being collected
  LayerKindNs spans_;
};

// "embed", "L0".."L{n-1}", "head" (n_layers unknown: any layer past the last seen one is "head").
std::string layer_label(int32_t layer, int32_t n_layers);

}  // namespace archscope::views::live
