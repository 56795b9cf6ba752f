// The whole-model estimate of a layer-slice run (profiler/metrics/slice_estimate.hpp) as the
// reports show it: computed from a run's records with the layer classes of the run's own plan
// (engine/plan/layer_classes.hpp), and rendered as JSON, text lines (run, runs show, bench) and a
// report table. Every figure that is not measured says "extrapolated".
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/model_config.hpp"
#include "metrics/slice_estimate.hpp"
#include "model/run_records.hpp"
#include "plan/layer_classes.hpp"
#include "run_report/report_tables.hpp"

namespace archscope::views {

std::vector<prof::SliceClassInput> slice_classes(const ModelConfig& config, const RunShape& shape);

// The estimate of a slice run from its records; nullopt when the run is not a slice. The run's
// stored configuration is parsed (Error(Parse) naming the run when it does not read back).
std::optional<prof::SliceEstimate> run_slice_estimate(const prof::RunInfo& info,
                                                      const std::vector<prof::StepRecord>& steps,
                                                      const std::vector<prof::SpanRecord>& spans);

nlohmann::json slice_json(const prof::SliceEstimate& e);
// "layers 0..1 of 32 ran; whole model extrapolated from them:" and one line per phase, class and
// missing class, without trailing newlines.
std::vector<std::string> slice_text(const prof::SliceEstimate& e);
// The report's "extrapolated from layers A..B" tables: the whole-model figures next to the
// slice's measured ones, and one row per layer class.
TableData slice_table(const prof::SliceEstimate& e);
TableData slice_class_table(const prof::SliceEstimate& e);
std::string slice_caption(const prof::SliceEstimate& e);

}  // namespace archscope::views
