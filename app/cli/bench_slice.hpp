// `bench --layers A:B [--compare-full]`: the slice's whole-model estimate from the layer times of
// each measured generation (profiler/runner/layer_clock.hpp), and, with --compare-full, the whole
// model measured in the same call beside it with the extrapolation's error.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/layer_range.hpp"
#include "config/model_config.hpp"
#include "generate/generation.hpp"
#include "plan/layer_classes.hpp"
#include "runner/layer_clock.hpp"

namespace archscope::cli {

// One model's measured generations: per repeat, the result and its forward passes' layer times
// (the prefill passes first, one per sequence, then the decode steps).
struct Generations {
  std::vector<GenerationResult> runs;
  std::vector<std::vector<prof::ForwardLayerTimes>> layer_times;
};

// JSON "slice": the estimate of the repeat with the median decode time ("estimate"), the medians
// over repeats of the extrapolated prefill seconds and decode ms/step, and with `full` the whole
// model's medians and the extrapolation error in percent ((extrapolated - measured) / measured).
nlohmann::json bench_slice_json(const ModelConfig& config, const LayerRange& slice,
                                const RunShape& shape, const Generations& measured,
                                const Generations* full);
// Text lines for the terminal (no trailing newlines).
std::vector<std::string> bench_slice_text(const nlohmann::json& slice);

}  // namespace archscope::cli
