// Live view: weight quantization error per layer. A run made with --weights-quant publishes its
// load's per-tensor Σw² / Σ(w−ŵ)² (profiler/events: WeightsQuantized); the view draws each
// layer's weight SQNR in dB (views/live/weight_sqnr.hpp) under the scheme and its true bits per
// weight, with the layer's worst tensor on hover. Output error per layer and logits KL need the
// source-precision run as a reference, which a live run does not have: `archscope quant` measures
// them teacher-forced, and the view says so. A run without quantized weights gets a line saying so.
#pragma once

#include "live/live_panel.hpp"
#include "live/weight_sqnr.hpp"

namespace archscope::studio {

class QuantErrorPanel : public LivePanel {
 public:
  using LivePanel::LivePanel;
  // The line the view shows (tests read it): the empty-state line, or the scheme header.
  std::string note() const;
  // What the bars show (empty scheme: no quantized weights in the run).
  views::live::WeightSqnrView sqnr() const;

 protected:
  void draw_body() override;
  const char* view_id() const override { return "live-quant"; }
};

}  // namespace archscope::studio
