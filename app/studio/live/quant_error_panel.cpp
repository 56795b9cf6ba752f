#include "live/quant_error_panel.hpp"

#include <imgui.h>

#include "live/live_run.hpp"

namespace archscope::studio {

std::string QuantErrorPanel::note() const {
  const views::live::LiveState& s = run().state();
  if (!s.started) return "Start a run (Run dock) or follow one";
  // Runs are made with fp32, bf16 or fp16 weights (engine/stack): none of them is quantized.
  return "no quantized weights in this run (weights " + s.run.weights_dtype +
         "): quantization error is shown for runs with quantized weights";
}

void QuantErrorPanel::draw_body() {
  draw_centered_note(note());
}

}  // namespace archscope::studio
