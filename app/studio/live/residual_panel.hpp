// Live view: the residual stream's RMS after each layer (latest step with activation records) and
// the first NaN/Inf site (step, layer, op) when there is one.
#pragma once

#include "live/live_panel.hpp"

namespace archscope::studio {

class ResidualPanel : public LivePanel {
 public:
  using LivePanel::LivePanel;
  size_t bars_drawn() const { return bars_; }

 protected:
  void draw_body() override;
  const char* view_id() const override { return "live-residual"; }

 private:
  size_t bars_ = 0;
};

}  // namespace archscope::studio
