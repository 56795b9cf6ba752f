// Plain series of a live run for the charts of the desktop app: per-layer time by op kind (per
// step or as the running mean of a phase), tokens/s and step latency over the steps, KV-cache
// bytes over the context per layer kind, residual RMS per layer. All from LiveState.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "charts/bar_chart.hpp"
#include "live/live_state.hpp"

namespace archscope::views::live {

enum class LayerTimeMode { LatestStep, MeanPrefill, MeanDecode };

// One bar per layer (embed, L0.., head; the step's "other" time is in no layer), one segment per op
// kind, in seconds: the latest finished step, or the phase's total over its steps divided by the
// steps (the running mean). Empty chart (no categories) before the first step with spans.
charts::StackedBarChart layer_time_chart(const LiveState& s, LayerTimeMode mode);

struct StepSeries {
  std::vector<double> step;          // step index
  std::vector<double> tokens_per_s;  // per step
  std::vector<double> ms;            // step latency
  std::vector<bool> decode;          // phase of each point
};
StepSeries step_series(const LiveState& s);

struct KvSeries {
  std::vector<double> context;                    // tokens cached per sequence after each step
  std::vector<std::string> kinds;                 // "full", "sliding", ... present in the run
  std::vector<std::vector<double>> used_by_kind;  // [kind][point], bytes
  std::vector<double> used, allocated;            // bytes
};
KvSeries kv_series(const LiveState& s);

}  // namespace archscope::views::live
