#include "live/roofline_panel.hpp"

#include <imgui.h>

#include <cmath>
#include <stdexcept>

#include "charts/palette.hpp"
#include "live/live_run.hpp"
#include "live/plot_draw.hpp"
#include "live/roofline_points.hpp"

namespace archscope::studio {

RooflinePanel::RooflinePanel(const LiveRun& run, std::vector<HardwareProfile> profiles)
    : LivePanel(run), profiles_(std::move(profiles)) {
  select_hardware("cpu-generic");
  user_chose_ = false;
}

void RooflinePanel::select_hardware(const std::string& name) {
  for (size_t i = 0; i < profiles_.size(); ++i)
    if (profiles_[i].name == name) {
      selected_ = static_cast<int>(i);
      user_chose_ = true;
    }
}

const HardwareProfile* RooflinePanel::hardware() const {
  return selected_ >= 0 ? &profiles_[static_cast<size_t>(selected_)] : nullptr;
}

void RooflinePanel::draw_body() {
  points_ = 0;
  kernel_points_ = 0;
  if (profiles_.empty()) {
    draw_centered_note("No hardware profiles found (presets/hardware)");
    return;
  }
  const views::live::LiveState& s = run().state();
  // A CUDA run defaults to the first GPU profile, a CPU run to cpu-generic, until the user picks.
  if (!user_chose_ && s.started && s.run.backend.rfind("cuda", 0) == 0 && selected_ >= 0 &&
      profiles_[static_cast<size_t>(selected_)].name == "cpu-generic") {
    for (size_t i = 0; i < profiles_.size(); ++i)
      if (profiles_[i].name != "cpu-generic") {
        selected_ = static_cast<int>(i);
        break;
      }
  }
  if (selected_ < 0) selected_ = 0;
  if (ImGui::RadioButton("Decode", decode_)) decode_ = true;
  ImGui::SameLine();
  if (ImGui::RadioButton("Prefill", !decode_)) decode_ = false;
  ImGui::SameLine();
  ImGui::SetNextItemWidth(160);
  if (ImGui::BeginCombo("hardware", profiles_[static_cast<size_t>(selected_)].name.c_str())) {
    for (size_t i = 0; i < profiles_.size(); ++i)
      if (ImGui::Selectable(profiles_[i].name.c_str(), static_cast<int>(i) == selected_)) {
        selected_ = static_cast<int>(i);
        user_chose_ = true;
      }
    ImGui::EndCombo();
  }
  if (!s.started) {
    draw_centered_note("Start a run (Run dock) or follow one");
    return;
  }
  charts::RooflineChart chart;
  try {
    chart = views::live::live_roofline(
        run().roofline(), decode_ ? prof::Phase::Decode : prof::Phase::Prefill,
        profiles_[static_cast<size_t>(selected_)], s.run.weights_dtype);
  } catch (const std::invalid_argument& e) {
    draw_centered_note(e.what());
    return;
  }
  const prof::Phase phase = decode_ ? prof::Phase::Decode : prof::Phase::Prefill;
  ImGui::Text("%s · roof: %s, %s · filled: measured, hollow: predicted", chart.title.c_str(),
              chart.ceiling_label.c_str(), chart.slope_label.c_str());
  const std::string note = views::live::kernel_points_note(run().roofline(), phase);
  if (!note.empty()) ImGui::TextDisabled("%s", note.c_str());
  const PlotArea a =
      draw_axes(ImGui::GetCursorScreenPos(), ImGui::GetContentRegionAvail(), chart.x, chart.y);
  std::vector<double> rx, ry;
  for (const auto& p : chart.roof) rx.push_back(p.x), ry.push_back(p.y);
  draw_polyline(a, rx, ry, kInk, 2.0f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const size_t n = chart.points.size() / 2;  // measured first, then predicted, in the same order
  const ImVec2 m = ImGui::GetIO().MousePos;
  const charts::RooflinePoint* near = nullptr;
  float best = 64;  // squared pixels
  for (size_t i = 0; i < chart.points.size(); ++i) {
    const charts::RooflinePoint& p = chart.points[i];
    const ImVec2 at = a.at(p.intensity, p.flops_per_s);
    const ImU32 c = palette_colour(p.colour);
    if (p.predicted) {
      dl->AddCircle(at, 5, c, 0, 2);
    } else {
      dl->AddCircleFilled(at, 5, c);
      if (i + n < chart.points.size())
        dl->AddLine(at, a.at(chart.points[i + n].intensity, chart.points[i + n].flops_per_s),
                    palette_colour(p.colour, 120));
      ++points_;
    }
    const float d = (at.x - m.x) * (at.x - m.x) + (at.y - m.y) * (at.y - m.y);
    if (d < best) best = d, near = &p;
  }
  // Kernel points (CUPTI): ink diamonds, so they read apart from the coloured op-kind circles.
  const std::vector<views::live::KernelPoint> kernels =
      views::live::live_kernel_points(run().roofline(), phase);
  const views::live::KernelPoint* near_kernel = nullptr;
  for (const views::live::KernelPoint& k : kernels) {
    const ImVec2 at = a.at(k.intensity, k.flops_per_s);
    dl->AddQuadFilled(ImVec2(at.x, at.y - 5), ImVec2(at.x + 5, at.y), ImVec2(at.x, at.y + 5),
                      ImVec2(at.x - 5, at.y), kInk);
    ++kernel_points_;
    const float d = (at.x - m.x) * (at.x - m.x) + (at.y - m.y) * (at.y - m.y);
    if (d < best) best = d, near = nullptr, near_kernel = &k;
  }
  // Legend: kinds in the chart, then the kernels' marker.
  float ly = a.lo.y + 4;
  for (size_t i = 0; i < n; ++i) {
    const auto& p = chart.points[i];
    dl->AddCircleFilled(ImVec2(a.hi.x - 120, ly + 6), 4, palette_colour(p.colour));
    dl->AddText(ImVec2(a.hi.x - 112, ly), kInk, p.label.c_str());
    ly += ImGui::GetTextLineHeight() + 2;
  }
  if (!kernels.empty()) {
    const ImVec2 c(a.hi.x - 120, ly + 6);
    dl->AddQuadFilled(ImVec2(c.x, c.y - 4), ImVec2(c.x + 4, c.y), ImVec2(c.x, c.y + 4),
                      ImVec2(c.x - 4, c.y), kInk);
    dl->AddText(ImVec2(a.hi.x - 112, ly), kInk, "kernels (CUPTI)");
  }
  if (near_kernel && a.contains(m)) {
    const views::live::KernelPoint& k = *near_kernel;
    ImGui::BeginTooltip();
    ImGui::Text("%s (kernel, CUPTI)", k.kernel.c_str());
    ImGui::Text("op %s · %lld launches · time %s", k.op.c_str(), static_cast<long long>(k.launches),
                charts::format_value(k.seconds, charts::Unit::Seconds).c_str());
    ImGui::Text("%.1f GB/s · %.3f TFLOP/s · %.3g FLOP/byte", k.bytes_per_s * 1e-9,
                k.flops_per_s * 1e-12, k.intensity);
    ImGui::TextDisabled("plan bytes and FLOPs of the op, split over its kernels by device time");
    ImGui::EndTooltip();
  } else if (near && a.contains(m)) {
    ImGui::BeginTooltip();
    ImGui::Text("%s, %s", near->label.c_str(), near->predicted ? "predicted" : "measured");
    ImGui::Text("%.3g FLOP/byte · %s · time %s", near->intensity,
                charts::format_value(near->flops_per_s, charts::Unit::FlopsPerSecond).c_str(),
                charts::format_value(near->seconds, charts::Unit::Seconds).c_str());
    ImGui::EndTooltip();
  }
}

}  // namespace archscope::studio
