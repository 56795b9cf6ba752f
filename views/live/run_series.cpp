#include "live/run_series.hpp"

#include <set>

namespace archscope::views::live {

namespace {

// "12 steps", or "3 traced of 12 steps" for a sampled CUPTI run.
std::string steps_label(const PhaseTotals& t) {
  if (t.spanned_steps == t.steps) return std::to_string(t.steps) + " steps";
  return std::to_string(t.spanned_steps) + " traced of " + std::to_string(t.steps) + " steps";
}

}  // namespace

charts::StackedBarChart layer_time_chart(const LiveState& s, LayerTimeMode mode) {
  const LayerKindNs* src = &s.layers;
  double divisor = 1;
  std::string title;
  switch (mode) {
    case LayerTimeMode::LatestStep:
      title = s.layers_step >= 0 ? "Time per layer, step " + std::to_string(s.layers_step) + " (" +
                                       prof::to_string(s.layers_phase) + ")"
                                 : "Time per layer";
      break;
    case LayerTimeMode::MeanPrefill:
      src = &s.prefill.span_ns;
      divisor = static_cast<double>(std::max<int64_t>(1, s.prefill.spanned_steps));
      title = "Mean time per prefill step over " + steps_label(s.prefill);
      break;
    case LayerTimeMode::MeanDecode:
      src = &s.decode.span_ns;
      divisor = static_cast<double>(std::max<int64_t>(1, s.decode.spanned_steps));
      title = "Mean time per decode step over " + steps_label(s.decode);
      break;
  }
  std::set<std::string> kind_set;
  std::vector<int32_t> layers;
  for (const auto& [layer, kinds] : *src) {
    if (layer == prof::kStepLayer) continue;
    layers.push_back(layer);
    for (const auto& [k, ns] : kinds) kind_set.insert(k);
  }
  const std::vector<std::string> kinds(kind_set.begin(), kind_set.end());
  std::vector<std::string> labels;
  std::vector<std::vector<double>> seconds;
  for (int32_t layer : layers) {
    labels.push_back(layer_label(layer, s.n_layers));
    std::vector<double> row(kinds.size(), 0.0);
    const auto& by_kind = src->at(layer);
    for (size_t k = 0; k < kinds.size(); ++k)
      if (auto it = by_kind.find(kinds[k]); it != by_kind.end())
        row[k] = static_cast<double>(it->second) / 1e9 / divisor;
    seconds.push_back(std::move(row));
  }
  return charts::layer_time_chart(title, labels, kinds, seconds);
}

StepSeries step_series(const LiveState& s) {
  StepSeries out;
  for (size_t i = 0; i < s.history.size(); ++i) {
    const StepPoint& p = s.history[i];
    out.step.push_back(static_cast<double>(p.step));
    out.tokens_per_s.push_back(p.tokens_per_s);
    out.ms.push_back(p.ms);
    out.decode.push_back(p.phase == prof::Phase::Decode);
  }
  return out;
}

KvSeries kv_series(const LiveState& s) {
  KvSeries out;
  std::set<std::string> kinds;
  for (size_t i = 0; i < s.history.size(); ++i)
    for (const auto& [k, b] : s.history[i].kv_used_by_kind) kinds.insert(k);
  out.kinds.assign(kinds.begin(), kinds.end());
  out.used_by_kind.assign(out.kinds.size(), {});
  for (size_t i = 0; i < s.history.size(); ++i) {
    const StepPoint& p = s.history[i];
    out.context.push_back(static_cast<double>(p.context_tokens));
    out.used.push_back(static_cast<double>(p.kv_used_bytes));
    out.allocated.push_back(static_cast<double>(p.kv_allocated_bytes));
    for (size_t k = 0; k < out.kinds.size(); ++k) {
      const auto it = p.kv_used_by_kind.find(out.kinds[k]);
      out.used_by_kind[k].push_back(it != p.kv_used_by_kind.end() ? static_cast<double>(it->second)
                                                                  : 0.0);
    }
  }
  return out;
}

}  // namespace archscope::views::live
