// Live view: tokens/s and step latency over the run's steps (prefill and decode points apart),
// with the decode figures so far.
#pragma once

#include "live/live_panel.hpp"

namespace archscope::studio {

class ThroughputPanel : public LivePanel {
 public:
  using LivePanel::LivePanel;
  size_t points_drawn() const { return points_; }

 protected:
  void draw_body() override;
  const char* view_id() const override { return "live-throughput"; }

 private:
  size_t points_ = 0;
};

}  // namespace archscope::studio
