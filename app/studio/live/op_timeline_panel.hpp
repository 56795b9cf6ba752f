// Live view: the op timeline (Tracy-like) of the latest steps: one row of layer bands and one row
// of ops coloured by kind on the run's clock. Mouse wheel zooms about the pointer, dragging pans,
// a double click shows everything again; while the run goes and the view is not zoomed it follows
// the newest step. Hover an op for its plan FLOPs and bytes and the GFLOP/s and GB/s it achieved.
#pragma once

#include "live/live_panel.hpp"
#include "live/op_timeline.hpp"

namespace archscope::studio {

class OpTimelinePanel : public LivePanel {
 public:
  using LivePanel::LivePanel;
  const views::live::TimeWindow& window() const { return window_; }
  size_t ops_drawn() const { return ops_; }
  bool following() const { return follow_; }

 protected:
  void draw_body() override;
  const char* view_id() const override { return "live-timeline"; }

 private:
  views::live::TimeWindow window_;
  bool follow_ = true;  // show the latest step until the user zooms or pans
  size_t ops_ = 0;
};

}  // namespace archscope::studio
