#include "live/layer_chart_panel.hpp"

#include <imgui.h>

#include "live/bar_chart_draw.hpp"

namespace archscope::studio {

namespace {
// Short button labels, in the order of charts::kLayerMetrics.
const char* const kButtons[] = {"Parameters", "Decode FLOPs", "Prefill FLOPs", "Decode bytes",
                                "KV held"};
}  // namespace

void LayerChartPanel::set_charts(std::vector<charts::StackedBarChart> charts, std::string caption) {
  charts_ = std::move(charts);
  caption_ = std::move(caption);
  if (selected_ >= static_cast<int>(charts_.size())) selected_ = 0;
}

void LayerChartPanel::draw() {
  begin_full_view("layer-chart");
  buttons_.clear();
  if (charts_.empty()) {
    ImGui::TextDisabled("No analysis yet: open a preset or a configuration.");
    ImGui::End();
    return;
  }
  for (size_t i = 0; i < charts_.size(); ++i) {
    if (i > 0) ImGui::SameLine();
    const char* label = i < std::size(kButtons) ? kButtons[i] : charts_[i].title.c_str();
    if (ImGui::RadioButton(label, selected_ == static_cast<int>(i)))
      selected_ = static_cast<int>(i);
    const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
    buttons_.push_back({lo.x, lo.y, hi.x - lo.x, hi.y - lo.y});
  }
  const charts::StackedBarChart& chart = charts_[static_cast<size_t>(selected_)];
  ImGui::TextUnformatted((chart.title + " · " + caption_).c_str());
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  hovered_ = draw_stacked_bars(chart, origin, avail);
  ImGui::End();
}

}  // namespace archscope::studio
