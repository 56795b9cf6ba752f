#include "summary/analysis_job.hpp"

#include <chrono>

#include "charts/analysis_charts.hpp"

namespace archscope::summary {

AnalysisResult compute_analysis(const AnalysisInput& in) {
  const auto start = std::chrono::steady_clock::now();
  AnalysisResult r;
  try {
    validate(in.config);
    auto analysis = std::make_shared<const Analysis>(summarize(in.config, in.options, in.hardware));
    r.json = analysis_to_json(*analysis);
    r.diagram = diagram::build_diagram(*analysis);
    for (charts::LayerMetric m : charts::kLayerMetrics)
      r.layer_charts.push_back(charts::layer_metric_chart(*analysis, m));
    r.analysis = std::move(analysis);
  } catch (const Error& e) {
    r = AnalysisResult{};
    r.error = e;
  } catch (const std::bad_alloc&) {
    r = AnalysisResult{};
    r.error = Error(ErrorKind::Resource, "analysis", "out of memory");
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace archscope::summary
