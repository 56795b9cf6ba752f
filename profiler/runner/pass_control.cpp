#include "runner/pass_control.hpp"

namespace archscope::prof {

namespace {
constexpr auto kProgressEvery = std::chrono::milliseconds(100);
}

PassControl::PassControl(EventChannel& channel, std::function<bool()> stop)
    : channel_(channel), stop_(std::move(stop)) {}

void PassControl::begin_step(const StepProgress& at) {
  at_ = at;
  at_.layers_done = 0;
  last_ = std::chrono::steady_clock::now();
}

bool PassControl::cancelled() {
  return stop_ && stop_();
}

void PassControl::layer_done(int64_t done, int64_t layers) {
  at_.layers_done = done;
  at_.layers = layers;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < kProgressEvery) return;
  last_ = now;
  channel_.publish(at_);
}

}  // namespace archscope::prof
