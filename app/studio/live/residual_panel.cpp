#include "live/residual_panel.hpp"

#include <imgui.h>

#include "charts/bar_chart.hpp"
#include "live/bar_chart_draw.hpp"
#include "live/live_run.hpp"

namespace archscope::studio {

void ResidualPanel::draw_body() {
  const views::live::LiveState& s = run().state();
  if (s.first_nan) {
    ImGui::TextColored(ImVec4(0.75f, 0.1f, 0.1f, 1), "First NaN/Inf: step %lld, %s, op %s",
                       static_cast<long long>(s.first_nan->step),
                       views::live::layer_label(s.first_nan->layer, s.n_layers).c_str(),
                       s.first_nan->op.c_str());
  } else if (s.started) {
    ImGui::TextUnformatted(s.run.checks ? "No NaN/Inf so far"
                                        : "Checks are off in this run: no residual statistics");
  }
  bars_ = s.residual_rms.size();
  if (s.residual_rms.empty()) {
    draw_centered_note(s.started ? "No activation records yet"
                                 : "Start a run (Run dock) or follow one");
    return;
  }
  charts::StackedBarChart c;
  c.title = "Residual RMS after each layer";
  c.category_title = "layer";
  c.series = {{"RMS", 3}};
  double hi = 0;
  for (const auto& [layer, rms] : s.residual_rms) {
    c.categories.push_back(views::live::layer_label(layer, s.n_layers));
    c.values.push_back({rms});
    hi = std::max(hi, rms);
  }
  c.value_axis = charts::linear_axis("RMS", 0, hi > 0 ? hi : 1, charts::Unit::Plain);
  c.show_legend = false;
  ImGui::TextUnformatted(c.title.c_str());
  draw_stacked_bars(c, ImGui::GetCursorScreenPos(), ImGui::GetContentRegionAvail());
}

}  // namespace archscope::studio
