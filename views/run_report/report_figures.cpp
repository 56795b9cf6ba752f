#include "run_report/report_figures.hpp"

#include "charts/bar_chart.hpp"
#include "charts/heatmap.hpp"
#include "charts/line_chart.hpp"
#include "charts/roofline_chart.hpp"
#include "run_report/kernel_section.hpp"
#include "charts/share_chart.hpp"
#include "svg/chart_svg.hpp"

namespace archscope::views {

namespace {

void add_layer_figures(const RunSummary& s, std::vector<Figure>& out) {
  if (!s.prefill.empty())
    out.push_back({"prefill-layers", "Prefill time per layer, by op kind",
                   svg::to_svg(charts::layer_time_chart("Prefill: time per layer", s.prefill.layers,
                                                        s.prefill.kinds, s.prefill.seconds))});
  if (!s.decode_mean.empty())
    out.push_back({"decode-layers", "Decode time per layer and step (mean), by op kind",
                   svg::to_svg(charts::layer_time_chart("Decode: time per layer, mean per step",
                                                        s.decode_mean.layers, s.decode_mean.kinds,
                                                        s.decode_mean.seconds))});
  // The breakdown of the phase that dominates generation: decode when there is one.
  const bool decode = !s.decode_mean.empty();
  const LayerKindTimes& t = decode ? s.decode_mean : s.prefill;
  if (!t.empty()) {
    std::vector<double> totals;
    for (size_t k = 0; k < t.kinds.size(); ++k) totals.push_back(t.kind_total(k));
    out.push_back({"op-kinds", decode ? "Share of decode time per op kind" : "Share of prefill time per op kind",
                   svg::to_svg(charts::share_chart(decode ? "Decode: time per op kind (mean per step)"
                                                          : "Prefill: time per op kind",
                                                   t.kinds, totals))});
  }
}

void add_roofline(const ReportRun& run, prof::Phase phase, std::vector<Figure>& out) {
  const HardwareProfile* hw = report_hardware(run);
  if (!hw) return;
  const auto measured = charts::measured_costs_by_kind(run.records.spans, phase);
  if (measured.empty()) return;
  std::vector<charts::OpCost> predicted;
  DType dtype = DType::BF16;
  if (run.analysis) {
    const Plan& plan = phase == prof::Phase::Prefill ? run.analysis->prefill : run.analysis->decode;
    predicted = charts::predicted_costs_by_kind(plan, *hw);
    dtype = charts::dominant_compute_dtype(plan, *hw);
  } else if (auto parsed = parse_dtype(run.info.weights_dtype)) {
    dtype = effective_compute_dtype(*hw, *parsed);
  }
  if (!(hw->peak(dtype) > 0) || !(hw->memory_bandwidth > 0)) return;
  const std::string phase_name = prof::to_string(phase);
  out.push_back({"roofline-" + phase_name, "Roofline (" + phase_name + ") on " + hw->name,
                 svg::to_svg(charts::roofline_chart("Roofline: " + phase_name + " on " + hw->name, hw->peak(dtype),
                                                    hw->memory_bandwidth, to_string(dtype), measured, predicted))});
}

// Measured kernel points (decode, kernel_section.hpp's split) against the same roof as the
// decode roofline of op kinds.
void add_kernel_roofline(const ReportRun& run, std::vector<Figure>& out) {
  const HardwareProfile* hw = report_hardware(run);
  if (!hw || run.records.kernels.empty()) return;
  const auto measured = kernel_roofline_costs(run);
  if (measured.empty()) return;
  DType dtype = DType::BF16;
  if (run.analysis)
    dtype = charts::dominant_compute_dtype(run.analysis->decode, *hw);
  else if (auto parsed = parse_dtype(run.info.weights_dtype))
    dtype = effective_compute_dtype(*hw, *parsed);
  if (!(hw->peak(dtype) > 0) || !(hw->memory_bandwidth > 0)) return;
  out.push_back({"roofline-kernels", "Roofline of the decode kernels (measured, CUPTI) on " + hw->name,
                 svg::to_svg(charts::roofline_chart("Roofline: decode kernels on " + hw->name, hw->peak(dtype),
                                                    hw->memory_bandwidth, to_string(dtype), measured, {}))});
}

}  // namespace

std::vector<Figure> run_figures(const ReportRun& run) {
  std::vector<Figure> out;
  add_layer_figures(run.summary, out);
  if (!run.records.steps.empty()) {
    std::vector<charts::KvSample> samples;
    for (const prof::StepRecord& s : run.records.steps)
      samples.push_back({s.context_tokens, s.kv_allocated_bytes, s.kv_used_bytes});
    out.push_back({"kv-memory", "KV-cache memory against context tokens, one point per step",
                   svg::to_svg(charts::kv_memory_chart("KV cache against context", samples))});
  }
  if (!run.summary.expert_tokens.empty())
    out.push_back({"expert-load", "Tokens routed per layer and expert, cumulative over the run",
                   svg::to_svg(charts::expert_heatmap("Expert load (cumulative tokens)", run.summary.expert_layers,
                                                      run.summary.expert_tokens))});
  add_roofline(run, prof::Phase::Prefill, out);
  add_roofline(run, prof::Phase::Decode, out);
  add_kernel_roofline(run, out);
  return out;
}

std::vector<Figure> comparison_figures(const std::vector<ReportRun>& runs) {
  std::vector<Figure> out;
  if (runs.size() < 2) return out;
  const compare::Comparison c = compare_report_runs(runs);
  // One bar chart per figure, over the runs that have it.
  const auto chart = [&](const char* key, const char* id, const char* caption, const char* title,
                         const char* series, charts::Unit unit, double scale) {
    for (const compare::Row& r : c.figures) {
      if (r.key != key) continue;
      std::vector<std::string> names;
      std::vector<double> values;
      for (size_t i = 0; i < runs.size(); ++i)
        if (r.cells[i].has_value()) {
          names.push_back(runs[i].info.name);
          values.push_back(r.cells[i].value * scale);
        }
      if (names.size() > 1)
        out.push_back({id, caption,
                       svg::to_svg(charts::comparison_chart(title, series, names, values, unit))});
    }
  };
  chart("prefill_tokens_per_s", "compare-prefill", "Prefill throughput per run (higher is better)",
        "Prefill throughput", "prefill", charts::Unit::TokensPerSecond, 1.0);
  chart("decode_ms_per_token_mean", "compare-decode",
        "Decode time per generated token per run (lower is better)", "Decode time per token",
        "decode per token", charts::Unit::Seconds, 1e-3);
  return out;
}

}  // namespace archscope::views
