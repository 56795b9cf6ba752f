// Everything the studio shows about one configuration at one set of what-if options, computed in
// one call off the UI thread: the analysis, its JSON (what `archscope analyze --json` prints),
// the block diagram and the per-layer charts. One function, so the benchmark (bench_studio_summary)
// times exactly what an edit costs.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "charts/bar_chart.hpp"
#include "common/error.hpp"
#include "diagram/block_diagram.hpp"
#include "plan/analysis.hpp"

namespace archscope::summary {

struct AnalysisInput {
  ModelConfig config;
  AnalysisOptions options;
  std::optional<HardwareProfile> hardware;
};

struct AnalysisResult {
  std::shared_ptr<const Analysis> analysis;  // null when it failed
  nlohmann::json json;                       // analysis_to_json(*analysis)
  diagram::BlockDiagram diagram;
  std::vector<charts::StackedBarChart> layer_charts;  // one per charts::kLayerMetrics
  std::optional<Error> error;  // invalid config or options, with the JSON path
  double seconds = 0;          // wall time of the whole computation
};

// Never throws for bad input: validation and planner errors come back in `error`.
AnalysisResult compute_analysis(const AnalysisInput& input);

}  // namespace archscope::summary
