#include "live/layer_time_panel.hpp"

#include <imgui.h>

#include "live/bar_chart_draw.hpp"
#include "live/live_run.hpp"

namespace archscope::studio {

void LayerTimePanel::draw_body() {
  using views::live::LayerTimeMode;
  const auto radio = [this](const char* label, LayerTimeMode m) {
    if (ImGui::RadioButton(label, mode_ == m)) mode_ = m;
  };
  radio("Latest step", LayerTimeMode::LatestStep);
  ImGui::SameLine();
  radio("Prefill mean", LayerTimeMode::MeanPrefill);
  ImGui::SameLine();
  radio("Decode mean", LayerTimeMode::MeanDecode);
  const charts::StackedBarChart chart = views::live::layer_time_chart(run().state(), mode_);
  bars_ = chart.categories.size();
  if (chart.categories.empty()) {
    draw_centered_note(run().state().started ? "No spans recorded yet in this phase"
                                             : "Start a run (Run dock) or follow one");
    return;
  }
  ImGui::TextUnformatted(chart.title.c_str());
  draw_stacked_bars(chart, ImGui::GetCursorScreenPos(), ImGui::GetContentRegionAvail());
}

}  // namespace archscope::studio
