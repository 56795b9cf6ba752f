// The per-layer chart view (ImGui): one stacked bar per layer of the current analysis — parameters,
// FLOPs, bytes or KV held, picked with the buttons on top. The studio hands it chart models built
// by views/charts/analysis_charts; it draws them and remembers only which one is shown.
#pragma once

#include <string>
#include <vector>

#include "charts/bar_chart.hpp"
#include "vulkan_host/imgui_panel.hpp"

namespace archscope::studio {

class LayerChartPanel : public ImGuiPanel {
 public:
  struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
  };

  // One chart per metric, in the order of the buttons; `caption` names the model and options.
  void set_charts(std::vector<charts::StackedBarChart> charts, std::string caption);
  void draw() override;

  int selected() const { return selected_; }
  void select(int index) { selected_ = index; }
  size_t chart_count() const { return charts_.size(); }
  // Where each metric button was drawn in the last frame (logical pixels), for click-through tests.
  const std::vector<Rect>& button_rects() const { return buttons_; }
  int hovered_layer() const { return hovered_; }

 private:
  std::vector<charts::StackedBarChart> charts_;
  std::string caption_;
  int selected_ = 0;
  int hovered_ = -1;
  std::vector<Rect> buttons_;
};

}  // namespace archscope::studio
