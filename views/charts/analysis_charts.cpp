#include "charts/analysis_charts.hpp"

#include <algorithm>
#include <string>

#include "charts/palette.hpp"

namespace archscope::charts {

const char* metric_title(LayerMetric m) {
  switch (m) {
    case LayerMetric::Params:
      return "parameters per layer";
    case LayerMetric::DecodeFlops:
      return "FLOPs per layer, one decode step";
    case LayerMetric::PrefillFlops:
      return "FLOPs per layer, prefill";
    case LayerMetric::DecodeBytes:
      return "bytes moved per layer, one decode step";
    case LayerMetric::KvHeld:
      return "KV cache held per layer after the prefill";
  }
  return "";
}

namespace {

Unit metric_unit(LayerMetric m) {
  switch (m) {
    case LayerMetric::Params:
      return Unit::Params;
    case LayerMetric::DecodeFlops:
    case LayerMetric::PrefillFlops:
      return Unit::Flops;
    default:
      return Unit::Bytes;
  }
}

double op_value(LayerMetric m, const Op& op) {
  switch (m) {
    case LayerMetric::Params:
      return static_cast<double>(op.params);
    case LayerMetric::DecodeFlops:
    case LayerMetric::PrefillFlops:
      return static_cast<double>(op.flops);
    case LayerMetric::DecodeBytes:
      return static_cast<double>(op.bytes_read + op.bytes_written);
    case LayerMetric::KvHeld:
      return static_cast<double>(op.kv_bytes_held);
  }
  return 0;
}

}  // namespace

StackedBarChart layer_metric_chart(const Analysis& a, LayerMetric metric) {
  const Plan& plan =
      metric == LayerMetric::PrefillFlops || metric == LayerMetric::KvHeld ? a.prefill : a.decode;
  const bool by_kind = metric == LayerMetric::KvHeld;
  const size_t n_series = by_kind ? 5 : static_cast<size_t>(kComponentCount);
  std::vector<std::vector<double>> values(plan.layers.size(), std::vector<double>(n_series, 0));
  for (size_t l = 0; l < plan.layers.size(); ++l) {
    const LayerPlan& layer = plan.layers[l];
    for (const Op& op : layer.ops) {
      const size_t s =
          by_kind ? static_cast<size_t>(layer.spec.attention) : static_cast<size_t>(op.component);
      values[l][s] += op_value(metric, op);
    }
  }
  StackedBarChart chart;
  chart.title = metric_title(metric);
  chart.category_title = "layer";
  chart.unit = metric_unit(metric);
  for (const LayerPlan& layer : plan.layers)
    chart.categories.push_back("L" + std::to_string(layer.spec.index));
  std::vector<size_t> kept;
  for (size_t s = 0; s < n_series; ++s) {
    if (std::none_of(values.begin(), values.end(), [s](const auto& row) { return row[s] > 0; }))
      continue;
    kept.push_back(s);
    const std::string label =
        by_kind ? to_string(static_cast<AttentionKind>(s)) : to_string(static_cast<Component>(s));
    chart.series.push_back({label, static_cast<int>(s)});
  }
  double tallest = 0;
  for (const auto& row : values) {
    std::vector<double> kept_values;
    double sum = 0;
    for (size_t s : kept) {
      kept_values.push_back(row[s]);
      sum += row[s];
    }
    tallest = std::max(tallest, sum);
    chart.values.push_back(std::move(kept_values));
  }
  chart.value_axis = linear_axis(by_kind                              ? "KV held"
                                 : metric == LayerMetric::Params      ? "parameters"
                                 : metric == LayerMetric::DecodeBytes ? "bytes"
                                                                      : "FLOPs",
                                 0, tallest, chart.unit);
  return chart;
}

}  // namespace archscope::charts
