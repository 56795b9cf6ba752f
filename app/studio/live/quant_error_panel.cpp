#include "live/quant_error_panel.hpp"

#include <imgui.h>

#include <cmath>
#include <cstdio>

#include "charts/bar_chart.hpp"
#include "live/bar_chart_draw.hpp"
#include "live/live_run.hpp"

namespace archscope::studio {

views::live::WeightSqnrView QuantErrorPanel::sqnr() const {
  const views::live::LiveState& s = run().state();
  if (!s.weights_quant) return {};
  return views::live::weight_sqnr(*s.weights_quant);
}

std::string QuantErrorPanel::note() const {
  const views::live::LiveState& s = run().state();
  if (!s.started) return "Start a run (Run dock) or follow one";
  if (!s.weights_quant) {
    // No records with a format named: a followed run (its records are published live only, the
    // run row keeps the format) or a checkpoint published in that format (no source-precision
    // weights to measure against).
    if (!s.run.weights_quant.empty())
      return "weights in " + s.run.weights_quant +
             ": no per-tensor SQNR records in this run (a followed run's records are published "
             "live only, not stored; a checkpoint published quantized has no source weights to "
             "compare with)";
    return "no quantized weights in this run (weights " + s.run.weights_dtype +
           "): quantization error is shown for runs with quantized weights (Run dock: weights "
           "quant)";
  }
  const views::live::WeightSqnrView v = sqnr();
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "weights %s: %.4f bits/weight (scales included), %lld tensors quantized",
                v.scheme.c_str(), v.bits_per_weight, static_cast<long long>(v.tensors));
  return buf;
}

void QuantErrorPanel::draw_body() {
  const views::live::WeightSqnrView v = sqnr();
  if (v.scheme.empty()) {
    draw_centered_note(note());
    return;
  }
  ImGui::TextUnformatted(note().c_str());
  ImGui::TextWrapped(
      "Weight SQNR only: output error per layer and logits KL need the source-precision run as a "
      "reference, which a live run has not; `archscope quant` measures them teacher-forced against "
      "the source run.");
  if (v.layers.empty()) {
    draw_centered_note("no quantized tensor inside the layers");
    return;
  }
  const int32_t n_layers = run().state().n_layers;
  charts::StackedBarChart c;
  c.title = "Weight SQNR per layer, dB (10·log10 Σw² / Σ(w−ŵ)² over the layer's quantized tensors)";
  c.category_title = "layer";
  c.series = {{"SQNR dB", 2}};
  for (const views::live::LayerSqnr& l : v.layers) {
    c.categories.push_back(views::live::layer_label(static_cast<int32_t>(l.layer), n_layers));
    // Exact weights (+inf) draw at the top of the axis; the tooltip says exact.
    c.values.push_back({std::isfinite(l.sqnr_db) ? l.sqnr_db : v.max_db});
  }
  c.value_axis = charts::linear_axis("dB", 0, v.max_db > 0 ? v.max_db : 1, charts::Unit::Plain);
  c.show_legend = false;
  ImGui::TextUnformatted(c.title.c_str());
  const int hovered =
      draw_stacked_bars(c, ImGui::GetCursorScreenPos(), ImGui::GetContentRegionAvail());
  if (hovered >= 0 && hovered < static_cast<int>(v.layers.size())) {
    const views::live::LayerSqnr& l = v.layers[static_cast<size_t>(hovered)];
    ImGui::SetTooltip("%s: %.2f dB over %lld tensors (%lld weights)\nworst: %s, %.2f dB",
                      c.categories[static_cast<size_t>(hovered)].c_str(), l.sqnr_db,
                      static_cast<long long>(l.tensors), static_cast<long long>(l.elements),
                      l.worst_tensor.empty() ? "(all-zero tensors)" : l.worst_tensor.c_str(),
                      l.worst_sqnr_db);
  }
}

}  // namespace archscope::studio
