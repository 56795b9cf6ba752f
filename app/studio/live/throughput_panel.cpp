#include "live/throughput_panel.hpp"

#include <imgui.h>

#include <algorithm>

#include "live/live_run.hpp"
#include "live/plot_draw.hpp"
#include "live/run_series.hpp"

namespace archscope::studio {

namespace {
// One plot of a per-step figure: decode points joined by a line, prefill points as squares.
void plot(const char* title, charts::Unit unit, const views::live::StepSeries& s,
          const std::vector<double>& ys, ImVec2 origin, ImVec2 size, int colour) {
  double hi = 0;
  for (double v : ys) hi = std::max(hi, v);
  const double first = s.step.empty() ? 0 : s.step.front();
  const double last = s.step.empty() ? 1 : std::max(s.step.back(), first + 1);
  const PlotArea a =
      draw_axes(origin, size, charts::linear_axis("step", first, last, charts::Unit::Plain),
                charts::linear_axis(title, 0, hi > 0 ? hi : 1, unit));
  std::vector<double> dx, dy;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (size_t i = 0; i < ys.size(); ++i) {
    if (s.decode[i]) {
      dx.push_back(s.step[i]);
      dy.push_back(ys[i]);
    } else {
      const ImVec2 p = a.at(s.step[i], ys[i]);
      dl->AddRectFilled(ImVec2(p.x - 3, p.y - 3), ImVec2(p.x + 3, p.y + 3),
                        palette_colour(colour + 1));
    }
  }
  draw_polyline(a, dx, dy, palette_colour(colour), 2.0f);
  const ImVec2 m = ImGui::GetIO().MousePos;
  if (a.contains(m) && !s.step.empty()) {
    // The nearest step under the pointer.
    size_t best = 0;
    float bd = 1e30f;
    for (size_t i = 0; i < ys.size(); ++i) {
      const float d = std::abs(a.at(s.step[i], ys[i]).x - m.x);
      if (d < bd) bd = d, best = i;
    }
    ImGui::BeginTooltip();
    ImGui::Text("step %.0f (%s): %s", s.step[best], s.decode[best] ? "decode" : "prefill",
                charts::format_value(ys[best], unit).c_str());
    ImGui::EndTooltip();
  }
}
}  // namespace

void ThroughputPanel::draw_body() {
  const views::live::LiveState& st = run().state();
  const views::live::StepSeries s = views::live::step_series(st);
  points_ = s.step.size();
  if (s.step.empty()) {
    draw_centered_note(st.started ? "Waiting for the first step"
                                  : "Start a run (Run dock) or follow one");
    return;
  }
  ImGui::Text(
      "decode %.1f tokens/s · %.2f ms per step · prefill %.1f tokens/s  (squares: prefill steps)",
      st.decode_tokens_per_s(), st.decode_ms_per_step(), st.prefill_tokens_per_s());
  const ImVec2 origin = ImGui::GetCursorScreenPos(), avail = ImGui::GetContentRegionAvail();
  const ImVec2 half(avail.x, avail.y / 2 - 4);
  std::vector<double> secs(s.ms.size());
  for (size_t i = 0; i < s.ms.size(); ++i) secs[i] = s.ms[i] / 1e3;
  plot("tokens/s", charts::Unit::TokensPerSecond, s, s.tokens_per_s, origin, half, 0);
  plot("step latency", charts::Unit::Seconds, s, secs, ImVec2(origin.x, origin.y + half.y + 8),
       half, 2);
}

}  // namespace archscope::studio
