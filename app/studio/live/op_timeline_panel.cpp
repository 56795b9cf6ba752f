#include "live/op_timeline_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "charts/axis.hpp"
#include "charts/palette.hpp"
#include "live/live_run.hpp"
#include "live/plot_draw.hpp"

namespace archscope::studio {

void OpTimelinePanel::draw_body() {
  using namespace views::live;
  const OpTimeline& tl = run().timeline();
  ops_ = 0;
  if (tl.steps().empty()) {
    draw_centered_note(run().state().started ? "No spans yet (spans are off, or no step finished)"
                                             : "Start a run (Run dock) or follow one");
    return;
  }
  const double begin = static_cast<double>(tl.begin_ns()), end = static_cast<double>(tl.end_ns());
  if (follow_) {  // the newest step, whole
    const TimelineStep& last = tl.steps().back();
    window_.t0 = static_cast<double>(last.start_ns);
    window_.t1 = static_cast<double>(std::max(last.end_ns, last.start_ns + 1000));
  }
  window_.clamp(begin, end);
  ImGui::TextDisabled("%zu steps kept · wheel: zoom · drag: pan · double click: %s",
                      tl.steps().size(), follow_ ? "all steps" : "follow the newest step");

  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float line = ImGui::GetTextLineHeight();
  const float left = origin.x + 8, right = origin.x + std::max(60.f, avail.x - 8);
  const float axis_y = origin.y + line + 4;
  const float band_y = axis_y + 6, band_h = std::max(line + 4, 20.f);
  const float op_y = band_y + band_h + 4,
              op_h = std::max(40.f, std::min(avail.y - (op_y - origin.y) - 4, 160.f));
  ImGui::InvisibleButton("##timeline",
                         ImVec2(std::max(1.f, avail.x), std::max(1.f, op_y + op_h - origin.y)));
  const bool hovered = ImGui::IsItemHovered();
  ImGuiIO& io = ImGui::GetIO();
  const double scale = (right - left) / std::max(1.0, window_.width());
  const auto to_x = [&](double t) { return left + static_cast<float>((t - window_.t0) * scale); };
  const double at = window_.t0 + (io.MousePos.x - left) / scale;
  if (hovered && io.MouseWheel != 0) {
    follow_ = false;
    window_.zoom(at, io.MouseWheel > 0 ? 1.25 : 0.8);
    window_.clamp(begin, end);
  }
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 0.f) &&
      io.MouseDelta.x != 0) {
    follow_ = false;
    window_.pan(-io.MouseDelta.x / scale);
    window_.clamp(begin, end);
  }
  if (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
    follow_ = !follow_;
    if (!follow_) {
      window_.t0 = begin;
      window_.t1 = end;
    }
  }

  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(ImVec2(left, origin.y), ImVec2(right, op_y + op_h + 1), true);
  // Time axis: ticks relative to the window's start.
  for (double v : charts::nice_ticks(0, window_.width(), 8)) {
    const float x = to_x(window_.t0 + v);
    dl->AddLine(ImVec2(x, axis_y), ImVec2(x, op_y + op_h), kGridInk);
    const std::string label = "+" + charts::format_value(v / 1e9, charts::Unit::Seconds);
    dl->AddText(ImVec2(x + 2, origin.y), kMutedInk, label.c_str());
  }
  const int32_t n_layers = run().state().n_layers;
  for (const TimelineStep& st : tl.steps()) {
    if (static_cast<double>(st.end_ns) < window_.t0 ||
        static_cast<double>(st.start_ns) > window_.t1)
      continue;
    for (const LayerBand& b : layer_bands(st)) {
      const float x0 = to_x(static_cast<double>(b.start_ns)),
                  x1 = std::max(x0 + 1, to_x(static_cast<double>(b.end_ns)));
      dl->AddRectFilled(ImVec2(x0, band_y), ImVec2(x1, band_y + band_h),
                        b.layer % 2 ? IM_COL32(210, 218, 232, 255) : IM_COL32(190, 200, 220, 255));
      const std::string label = layer_label(b.layer, n_layers);
      if (ImGui::CalcTextSize(label.c_str()).x + 4 < x1 - x0)
        dl->AddText(ImVec2(x0 + 2, band_y + 2), kInk, label.c_str());
    }
    for (const prof::SpanRecord& s : st.spans) {
      const double t0 = static_cast<double>(s.start_ns),
                   t1 = t0 + static_cast<double>(s.duration_ns);
      if (t1 < window_.t0 || t0 > window_.t1) continue;
      const float x0 = to_x(t0), x1 = std::max(x0 + 1, to_x(t1));
      dl->AddRectFilled(ImVec2(x0, op_y), ImVec2(x1, op_y + op_h),
                        palette_colour(charts::kind_colour(s.kind)));
      if (x1 - x0 > 30)
        dl->AddText(ImVec2(x0 + 2, op_y + 2), IM_COL32(255, 255, 255, 255), s.op.c_str());
      ++ops_;
    }
  }
  dl->PopClipRect();
  // The overview: every kept step on one strip (prefill darker), the window shown as a frame; a
  // click there centres the window on that time.
  const float ov_y = op_y + op_h + line + 10, ov_h = 14;
  const double span = std::max(1.0, end - begin);
  const auto ov_x = [&](double t) {
    return left + static_cast<float>((t - begin) / span) * (right - left);
  };
  dl->AddText(ImVec2(left, op_y + op_h + 4), kMutedInk, "all kept steps:");
  for (const TimelineStep& st : tl.steps())
    dl->AddRectFilled(ImVec2(ov_x(static_cast<double>(st.start_ns)), ov_y),
                      ImVec2(std::max(ov_x(static_cast<double>(st.start_ns)) + 1,
                                      ov_x(static_cast<double>(st.end_ns))),
                             ov_y + ov_h),
                      st.phase == prof::Phase::Prefill ? IM_COL32(120, 130, 160, 255)
                                                       : IM_COL32(175, 185, 210, 255));
  dl->AddRect(ImVec2(ov_x(window_.t0) - 1, ov_y - 2), ImVec2(ov_x(window_.t1) + 1, ov_y + ov_h + 2),
              kInk, 0, 0, 2);
  ImGui::SetCursorScreenPos(ImVec2(left, ov_y));
  ImGui::InvisibleButton("##overview", ImVec2(std::max(1.f, right - left), ov_h));
  if (ImGui::IsItemActive()) {
    follow_ = false;
    const double centre = begin + (io.MousePos.x - left) / (right - left) * span;
    window_.pan(centre - (window_.t0 + window_.t1) / 2);
    window_.clamp(begin, end);
  }
  // Legend: the op kinds on screen.
  std::vector<std::string> kinds;
  for (const TimelineStep& st : tl.steps())
    for (const prof::SpanRecord& sp : st.spans)
      if (std::find(kinds.begin(), kinds.end(), sp.kind) == kinds.end()) kinds.push_back(sp.kind);
  std::sort(kinds.begin(), kinds.end());
  ImGui::SetCursorScreenPos(ImVec2(left, ov_y + ov_h + 8));
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (i > 0) ImGui::SameLine();
    legend_swatch(palette_colour(charts::kind_colour(kinds[i])), kinds[i]);
  }
  if (hovered && io.MousePos.y >= op_y && io.MousePos.y <= op_y + op_h) {
    if (const prof::SpanRecord* s = tl.span_at(static_cast<int64_t>(at))) {
      const SpanRates r = span_rates(*s);
      ImGui::BeginTooltip();
      ImGui::Text("%s (%s), %s, step %lld %s", s->op.c_str(), s->kind.c_str(),
                  layer_label(s->layer, n_layers).c_str(), static_cast<long long>(s->step),
                  prof::to_string(s->phase));
      ImGui::Text("time %s", charts::format_value(static_cast<double>(s->duration_ns) / 1e9,
                                                  charts::Unit::Seconds)
                                 .c_str());
      ImGui::Text("plan: %s, %s",
                  charts::format_value(static_cast<double>(s->flops), charts::Unit::Flops).c_str(),
                  charts::format_value(static_cast<double>(s->bytes), charts::Unit::Bytes).c_str());
      ImGui::Text("achieved: %.2f GFLOP/s, %.2f GB/s", r.gflops_per_s, r.gb_per_s);
      ImGui::EndTooltip();
    }
  }
}

}  // namespace archscope::studio
