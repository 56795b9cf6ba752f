// Live view: KV-cache memory over the tokens cached, per layer kind (full, sliding, chunked, MLA
// latent, linear state) stacked as used bytes, with the allocated bytes as a line, and both
// against the memory of the run's device.
#pragma once

#include "live/live_panel.hpp"

namespace archscope::studio {

class KvMemoryPanel : public LivePanel {
 public:
  using LivePanel::LivePanel;
  size_t kinds_drawn() const { return kinds_; }

 protected:
  void draw_body() override;
  const char* view_id() const override { return "live-kv"; }

 private:
  size_t kinds_ = 0;
};

}  // namespace archscope::studio
