// The op timeline of a run (the Tracy-like view): the spans of the latest recorded steps on the
// run's clock, each with its plan FLOPs and bytes, and the rates they achieved. The fold keeps a
// bounded number of steps (a long run shows its latest ones); the view window (scroll, zoom) is
// plain arithmetic here so the panel only draws.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "events/events.hpp"

namespace archscope::views::live {

struct TimelineStep {
  int64_t step = 0;
  prof::Phase phase = prof::Phase::Prefill;
  int64_t start_ns = 0, end_ns = 0;  // the step's wall time (from its spans until it finishes)
  bool finished = false;
  std::vector<prof::SpanRecord>
      spans;  // op spans in start order (the step's "other" span left out)
};

// One layer's extent inside a step: from its first op's start to its last op's end.
struct LayerBand {
  int32_t layer = 0;
  int64_t start_ns = 0, end_ns = 0;
};

// Rates of one span, from the plan's predicted FLOPs and bytes over its measured time.
struct SpanRates {
  double gflops_per_s = 0;  // flops / ns
  double gb_per_s = 0;      // bytes / ns (decimal GB/s)
  double intensity = 0;     // flops / byte (0 when the op moves no bytes)
};
SpanRates span_rates(const prof::SpanRecord& s);

class OpTimeline {
 public:
  explicit OpTimeline(size_t max_steps = 16) : max_steps_(max_steps > 0 ? max_steps : 1) {}
  void apply(const prof::Event& e);

  const std::deque<TimelineStep>& steps() const { return steps_; }
  int64_t begin_ns() const;  // the first kept step's start (0 when none)
  int64_t end_ns() const;    // the last kept step's end
  // The span under time t (run clock), or nullptr.
  const prof::SpanRecord* span_at(int64_t t_ns) const;
  size_t span_count() const;

 private:
  TimelineStep& step_for(const prof::SpanRecord& s);
  size_t max_steps_;
  std::deque<TimelineStep> steps_;
};

std::vector<LayerBand> layer_bands(const TimelineStep& step);

// The visible time range of the timeline, in ns on the run clock.
struct TimeWindow {
  double t0 = 0, t1 = 1;
  double width() const { return t1 - t0; }
  // Zooms by `factor` (> 1 zooms in) keeping time `at` at the same place on screen.
  void zoom(double at, double factor);
  void pan(double dt);
  // Keeps the window inside [begin, end] (a window wider than the range shows all of it) and no
  // narrower than min_width.
  void clamp(double begin, double end, double min_width = 1000.0);
};

}  // namespace archscope::views::live
