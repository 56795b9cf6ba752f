// Per-layer charts of an analysis (no run needed): parameters, FLOPs and bytes of each layer split
// by component, and the KV cache each layer holds, split by attention kind. Drawn by the SVG writer
// and by the studio's ImGui layer chart alike; every value is a sum over the analysis' plans.
#pragma once

#include <vector>

#include "charts/bar_chart.hpp"
#include "plan/analysis.hpp"

namespace archscope::charts {

enum class LayerMetric {
  Params,        // parameters per layer by component (decode plan)
  DecodeFlops,   // FLOPs of one decode step at the context, by component
  PrefillFlops,  // FLOPs of the prefill, by component
  DecodeBytes,   // bytes read + written by one decode step, by component
  KvHeld,        // KV cache / state bytes held after the prefill, by attention kind
};
inline constexpr LayerMetric kLayerMetrics[] = {LayerMetric::Params, LayerMetric::DecodeFlops,
                                                LayerMetric::PrefillFlops, LayerMetric::DecodeBytes,
                                                LayerMetric::KvHeld};

const char* metric_title(LayerMetric m);  // "parameters per layer", ...

// One bar per layer ("L0", "L1", ...); series that are zero in every layer are left out.
StackedBarChart layer_metric_chart(const Analysis& analysis, LayerMetric metric);

}  // namespace archscope::charts
