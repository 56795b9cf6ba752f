#include "runner/layer_clock.hpp"

#include <climits>

namespace archscope::prof {

void LayerClock::before(Stream& s, const OpEvent& e) {
  const auto layer = static_cast<int32_t>(e.layer);
  // A pass begins at its first prologue op (after the previous pass's epilogue, or first of all).
  const bool begins = layer == -1 && (!in_pass_ || current_ == n_layers_);
  if (begins) {
    ++passes_;
    in_pass_ = true;
  } else if (layer == current_) {
    return;  // inside the layer: no mark
  }
  current_ = layer;
  tags_.push_back({clock_.mark(s), passes_ - 1, layer});
}

void LayerClock::after(Stream& s, const OpEvent& e) {
  if (e.layer != n_layers_) return;
  tags_.push_back({clock_.mark(s), passes_ - 1, kEnd});
}

std::vector<ForwardLayerTimes> LayerClock::take() {
  const std::vector<int64_t> at = clock_.collect();
  std::vector<ForwardLayerTimes> out(passes_);
  for (size_t i = 0; i < tags_.size(); ++i) {
    const Tag& t = tags_[i];
    if (t.layer == kEnd) continue;
    // The layer ends where the next layer of the same pass begins; the epilogue at its last
    // after-op mark (the one before the next pass's first mark).
    size_t end = i + 1;
    if (t.layer == n_layers_)
      while (end + 1 < tags_.size() && tags_[end + 1].layer == kEnd &&
             tags_[end + 1].pass == t.pass)
        ++end;
    if (end >= tags_.size() || tags_[end].pass != t.pass) continue;
    if (t.layer == n_layers_ && tags_[end].layer != kEnd) continue;
    out[t.pass].layer_ns[t.layer] = at[tags_[end].mark] - at[t.mark];
  }
  tags_.clear();
  passes_ = 0;
  in_pass_ = false;
  return out;
}

}  // namespace archscope::prof
