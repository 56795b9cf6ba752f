#include "analysis_report/analysis_tables.hpp"

#include "charts/analysis_charts.hpp"
#include "diagram/diagram_layout.hpp"
#include "diagram/diagram_svg.hpp"
#include "report/text_format.hpp"
#include "summary/summary_rows.hpp"
#include "svg/chart_svg.hpp"

namespace archscope::views::analysis_detail {

std::string subtitle(const Analysis& a) {
  const AnalysisOptions& o = a.options;
  std::string s = "context " + text::grouped(static_cast<uint64_t>(o.context)) + " · batch " +
                  std::to_string(o.batch) + " · weights " + to_string(o.weights) + " · KV " +
                  to_string(o.kv);
  if (dtype_is_quantized(o.weights) && o.quant_group_size > 0)
    s += " (scales per " + std::to_string(o.quant_group_size) + ")";
  s += a.hardware ? " · " + a.hardware->name : std::string(" · no hardware profile");
  return s;
}

TableData summary_table(const nlohmann::json& analysis) {
  TableData t{"Summary", {"figure", "value", "exact"}, "lrr", {}};
  for (const summary::Row& row : summary::rows()) {
    const summary::Cell c = summary::cell(analysis, row);
    if (c.present) t.rows.push_back({row.label, c.display, c.exact});
  }
  return t;
}

TableData component_table(const Analysis& a) {
  TableData t{"Parameters and FLOPs by component",
              {"component", "params", "share", "active", "decode FLOPs", "prefill FLOPs"},
              "lrrrrr",
              {}};
  for (int i = 0; i < kComponentCount; ++i) {
    const ComponentFigures& f = a.components[static_cast<size_t>(i)];
    t.rows.push_back({to_string(static_cast<Component>(i)), text::grouped(f.params),
                      text::percent(f.params, a.params.total), text::grouped(f.params_active),
                      text::si(static_cast<double>(f.decode_flops), "FLOP"),
                      text::si(static_cast<double>(f.prefill_flops), "FLOP")});
  }
  return t;
}

TableData layer_table(const Analysis& a) {
  TableData t{"Per layer: decode step at the context; KV held after the prefill",
              {"layer", "attention", "position", "ffn", "params", "decode FLOPs", "KV held"},
              "llllrrr",
              {}};
  for (size_t i = 0; i < a.decode.layers.size(); ++i) {
    const LayerPlan& l = a.decode.layers[i];
    const PlanTotals d = totals(l.ops), p = totals(a.prefill.layers[i].ops);
    std::string attention = to_string(l.spec.attention);
    if (l.spec.window > 0) attention += " " + std::to_string(l.spec.window);
    t.rows.push_back({std::to_string(l.spec.index), attention,
                      l.spec.attention == AttentionKind::Linear ? "-" : to_string(l.spec.position),
                      l.spec.moe ? "moe" : "dense", text::grouped(d.params),
                      text::si(static_cast<double>(d.flops), "FLOP"),
                      text::binary_bytes(static_cast<double>(p.kv_bytes_held))});
  }
  return t;
}

std::vector<Figure> figures(const Analysis& a) {
  std::vector<Figure> out;
  const diagram::DiagramLayout layout = diagram::layout_diagram(diagram::build_diagram(a));
  out.push_back({"diagram", "Block diagram: runs of identical layers collapsed, figures per layer",
                 diagram::diagrams_svg({layout}, a.config->name + " block diagram")});
  out.push_back({"layer-params", "Parameters per layer by component",
                 svg::to_svg(charts::layer_metric_chart(a, charts::LayerMetric::Params))});
  out.push_back({"layer-kv", "KV cache held per layer after the prefill, by attention kind",
                 svg::to_svg(charts::layer_metric_chart(a, charts::LayerMetric::KvHeld))});
  out.push_back({"layer-decode-flops", "FLOPs per layer of one decode step, by component",
                 svg::to_svg(charts::layer_metric_chart(a, charts::LayerMetric::DecodeFlops))});
  return out;
}

}  // namespace archscope::views::analysis_detail
