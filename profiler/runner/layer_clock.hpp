// A ForwardObserver that times each layer of every forward pass and nothing finer: one backend
// timer mark where a layer's first op begins (the prologue's, each layer's, the epilogue's) and
// one after each epilogue op, so a layer's time runs from its first op to the next layer's first
// op (the gaps between its ops included), the same boundaries the spans of a profiled run give
// (metrics/slice_estimate.hpp). About n_layers + 6 timer marks per pass: what `bench --layers`
// uses where a profiled run's per-op spans would cost too much.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "model/forward.hpp"
#include "runner/segment_clock.hpp"

namespace archscope::prof {

struct ForwardLayerTimes {
  std::map<int32_t, int64_t> layer_ns;  // -1 the prologue, 0.. layers, n_layers the epilogue
};

class LayerClock final : public ForwardObserver {
 public:
  // n_layers: the model's (its epilogue reports layer n_layers).
  LayerClock(Backend& backend, int64_t n_layers) : clock_(backend), n_layers_(n_layers) {}

  void before(Stream& s, const OpEvent& e) override;
  void after(Stream& s, const OpEvent& e) override;

  // Once the stream is synchronised past the last pass: the passes run since the last call, in
  // order. A pass cut short (no epilogue) has no epilogue entry.
  std::vector<ForwardLayerTimes> take();

 private:
  struct Tag {
    size_t mark = 0;
    size_t pass = 0;
    int32_t layer = 0;  // whose first op begins here; kEnd: after an epilogue op
  };
  static constexpr int32_t kEnd = INT32_MIN;

  SegmentClock clock_;
  int64_t n_layers_;
  std::vector<Tag> tags_;
  size_t passes_ = 0;    // passes begun since the last take()
  int32_t current_ = 0;  // layer of the last op begun
  bool in_pass_ = false;
};

}  // namespace archscope::prof
