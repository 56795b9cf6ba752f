// Live view: quantization error per layer (weight SQNR, output error, logits KL). The run events
// carry no quantization records yet (they come with the quantization issue), so the view says
// what the run has and draws nothing it does not have.
#pragma once

#include "live/live_panel.hpp"

namespace archscope::studio {

class QuantErrorPanel : public LivePanel {
 public:
  using LivePanel::LivePanel;
  // The line the view shows (tests read it).
  std::string note() const;

 protected:
  void draw_body() override;
  const char* view_id() const override { return "live-quant"; }
};

}  // namespace archscope::studio
