// Live view: per-layer time stacked by op kind — the latest step, or the running mean of the
// prefill or decode steps (views/live/run_series layer_time_chart), drawn like the per-layer chart.
#pragma once

#include "live/live_panel.hpp"
#include "live/run_series.hpp"

namespace archscope::studio {

class LayerTimePanel : public LivePanel {
 public:
  using LivePanel::LivePanel;
  views::live::LayerTimeMode mode() const { return mode_; }
  void set_mode(views::live::LayerTimeMode m) { mode_ = m; }
  size_t bars_drawn() const { return bars_; }

 protected:
  void draw_body() override;
  const char* view_id() const override { return "live-layer-time"; }

 private:
  views::live::LayerTimeMode mode_ = views::live::LayerTimeMode::LatestStep;
  size_t bars_ = 0;
};

}  // namespace archscope::studio
