// The live view of `archscope run`, a subscriber of the run's events. On a terminal: a progress
// bar, tokens/s and the last step's time per layer, redrawn in place with ANSI cursor moves at most
// ten times a second. Otherwise plain lines that read well in a log: the prefill, decode progress
// at every tenth of the steps, and the outcome.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>

#include "events/events.hpp"

namespace archscope::cli {

class TerminalView {
 public:
  // total_steps: prefill + decode steps of the run.
  TerminalView(std::ostream& out, bool terminal, int64_t total_steps);

  void on_event(const prof::Event& e);

  // The block drawn on a terminal for the current state (exposed for tests).
  std::string frame() const;

 private:
  void on_step(const prof::StepRecord& s);
  void draw(bool force);
  std::string progress_line() const;

  std::ostream& out_;
  bool terminal_;
  int64_t total_steps_;
  std::string model_;
  int64_t steps_done_ = 0;
  int64_t decode_steps_ = 0, decode_tokens_ = 0, decode_ns_ = 0;
  double prefill_tokens_per_s_ = 0;
  double last_ms_ = 0;
  std::map<int32_t, int64_t> layer_ns_;  // the latest step's span time per layer
  int64_t layer_steps_ = -1;             // step those times belong to
  int drawn_lines_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
  int64_t last_plain_decile_ = -1;
};

}  // namespace archscope::cli
