// What every live view shares: the run it draws (LiveRun, whose folds are plain views/live data),
// continuous rendering while the run goes, and the header line — the run, its progress, the events
// the view's queue dropped, and the frame time of this view (a running mean over the last frames).
#pragma once

#include <string>

#include "vulkan_host/imgui_panel.hpp"

namespace archscope::studio {

class LiveRun;

class LivePanel : public ImGuiPanel {
 public:
  explicit LivePanel(const LiveRun& run) : run_(run) {}
  bool animating() const override;
  void draw() override;

  // The mean frame time of this view over the last frames, ms (0 before two frames).
  double frame_ms() const { return frame_ms_; }
  long frames_drawn() const { return frames_; }

 protected:
  // The view's content below the header, inside its full-view window.
  virtual void draw_body() = 0;
  virtual const char* view_id() const = 0;
  const LiveRun& run() const { return run_; }

 private:
  void draw_header();
  const LiveRun& run_;
  double frame_ms_ = 0;
  long frames_ = 0;
};

// An empty-state line ("Start a run ...") centred in the remaining area.
void draw_centered_note(const std::string& text);

}  // namespace archscope::studio
