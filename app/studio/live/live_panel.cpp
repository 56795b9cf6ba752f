#include "live/live_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "live/live_run.hpp"

namespace archscope::studio {

bool LivePanel::animating() const {
  return run_.active();
}

void LivePanel::draw() {
  // io.DeltaTime is the time since this view's previous frame (its own ImGui context).
  const double dt_ms = static_cast<double>(ImGui::GetIO().DeltaTime) * 1e3;
  if (frames_ > 0 && dt_ms > 0) frame_ms_ = frame_ms_ > 0 ? 0.9 * frame_ms_ + 0.1 * dt_ms : dt_ms;
  ++frames_;
  // The full view without ImGui's window background: the render pass already clears to white,
  // and under a software rasteriser (lavapipe) a second full-window fill costs a sizeable part of
  // every frame (docs/studio.md, frame time).
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin(view_id(), nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                   ImGuiWindowFlags_NoBackground);
  draw_header();
  draw_body();
  ImGui::End();
}

void LivePanel::draw_header() {
  const views::live::LiveState& s = run_.state();
  char buf[512];
  if (!s.started) {
    std::snprintf(buf, sizeof buf, "%s", run_.active() ? "Starting the run..." : "No run yet");
  } else {
    const char* status = !s.finished          ? (run_.following() ? "following" : "running")
                         : !s.failure.empty() ? prof::to_string(s.run.status)
                                              : "complete";
    std::snprintf(buf, sizeof buf, "run %lld · %s · %s · step %lld/%lld · %s",
                  static_cast<long long>(s.run.id), s.run.model.c_str(), s.run.backend.c_str(),
                  static_cast<long long>(s.steps_done), static_cast<long long>(s.total_steps),
                  status);
  }
  ImGui::TextUnformatted(buf);
  if (s.events_dropped > 0) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(0.75f, 0.2f, 0.1f, 1), "· %llu events dropped",
                       static_cast<unsigned long long>(s.events_dropped));
  }
  // The frame-time readout, right-aligned.
  std::snprintf(buf, sizeof buf, "frame %.1f ms (%.0f fps)", frame_ms_,
                frame_ms_ > 0 ? 1e3 / frame_ms_ : 0.0);
  const float w = ImGui::CalcTextSize(buf).x;
  ImGui::SameLine(std::max(ImGui::GetWindowContentRegionMax().x - w, ImGui::GetCursorPosX() + 8));
  ImGui::TextDisabled("%s", buf);
  if (!s.failure.empty()) ImGui::TextColored(ImVec4(0.75f, 0.2f, 0.1f, 1), "%s", s.failure.c_str());
}

void draw_centered_note(const std::string& text) {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 size = ImGui::CalcTextSize(text.c_str());
  const ImVec2 at = ImGui::GetCursorPos();
  ImGui::SetCursorPos(ImVec2(at.x + std::max(0.f, (avail.x - size.x) / 2),
                             at.y + std::max(0.f, (avail.y - size.y) / 2)));
  ImGui::TextDisabled("%s", text.c_str());
}

}  // namespace archscope::studio
