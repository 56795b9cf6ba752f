#include "live/kv_memory_panel.hpp"

#include <imgui.h>

#include <algorithm>

#include "charts/palette.hpp"
#include "live/live_run.hpp"
#include "live/plot_draw.hpp"
#include "live/run_series.hpp"

namespace archscope::studio {

void KvMemoryPanel::draw_body() {
  const views::live::LiveState& st = run().state();
  const views::live::KvSeries kv = views::live::kv_series(st);
  kinds_ = kv.kinds.size();
  if (kv.context.empty()) {
    draw_centered_note(st.started ? "Waiting for the first step"
                                  : "Start a run (Run dock) or follow one");
    return;
  }
  const double used = kv.used.back(), alloc = kv.allocated.back();
  const uint64_t device = run().device_memory();
  if (device > 0) {
    ImGui::Text("used %s of %s allocated · %.4f%% of the device's %s",
                charts::format_value(used, charts::Unit::Bytes).c_str(),
                charts::format_value(alloc, charts::Unit::Bytes).c_str(),
                100.0 * alloc / static_cast<double>(device),
                charts::format_value(static_cast<double>(device), charts::Unit::Bytes).c_str());
    // Allocated and used against the device's memory, as a bar.
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x, h = 8;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), kGridInk);
    const auto frac = [&](double b) {
      return std::max(1.0f, static_cast<float>(b / static_cast<double>(device)) * w);
    };
    dl->AddRectFilled(p, ImVec2(p.x + frac(alloc), p.y + h), palette_colour(1, 160));
    dl->AddRectFilled(p, ImVec2(p.x + frac(used), p.y + h), palette_colour(0));
    ImGui::Dummy(ImVec2(w, h + 2));
  } else {
    ImGui::Text("used %s of %s allocated", charts::format_value(used, charts::Unit::Bytes).c_str(),
                charts::format_value(alloc, charts::Unit::Bytes).c_str());
  }
  // Legend.
  for (size_t k = 0; k < kv.kinds.size(); ++k) {
    if (k > 0) ImGui::SameLine();
    legend_swatch(palette_colour(charts::kind_colour(kv.kinds[k])),
                  kv.kinds[k] + " used (stacked)");
  }
  ImGui::SameLine();
  legend_swatch(kMutedInk, "allocated");

  double hi = 0, xmax = 1;
  for (size_t i = 0; i < kv.context.size(); ++i) {
    hi = std::max({hi, kv.allocated[i], kv.used[i]});
    xmax = std::max(xmax, kv.context[i]);
  }
  const PlotArea a =
      draw_axes(ImGui::GetCursorScreenPos(), ImGui::GetContentRegionAvail(),
                charts::linear_axis("tokens cached per sequence", 0, xmax, charts::Unit::Tokens),
                charts::linear_axis("KV cache", 0, hi > 0 ? hi : 1, charts::Unit::Bytes));
  // Stacked used bytes per kind: each kind's line is the running sum up to it.
  std::vector<double> stack(kv.context.size(), 0.0);
  for (size_t k = 0; k < kv.kinds.size(); ++k) {
    for (size_t i = 0; i < stack.size(); ++i) stack[i] += kv.used_by_kind[k][i];
    draw_polyline(a, kv.context, stack, palette_colour(charts::kind_colour(kv.kinds[k])), 2.5f);
  }
  draw_polyline(a, kv.context, kv.allocated, kMutedInk, 1.5f);
}

}  // namespace archscope::studio
