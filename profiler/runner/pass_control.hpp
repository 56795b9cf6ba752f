// The profiled run's ForwardControl: polls the run's stop request before every op (so a Ctrl-C
// in a long prefill ends it within one op) and publishes StepProgress while a step is long
// (at most every 100 ms, none at all for a step shorter than that).
#pragma once

#include <chrono>
#include <functional>

#include "events/channel.hpp"
#include "model/forward.hpp"

namespace archscope::prof {

class PassControl final : public ForwardControl {
 public:
  PassControl(EventChannel& channel, std::function<bool()> stop);

  // A step begins: `at` says which (its layers fields are filled in as layers finish).
  void begin_step(const StepProgress& at);
  // The current step, with the layers issued so far (for an interrupted step's message).
  const StepProgress& at() const { return at_; }

  bool cancelled() override;
  void layer_done(int64_t done, int64_t layers) override;

 private:
  EventChannel& channel_;
  std::function<bool()> stop_;
  StepProgress at_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace archscope::prof
