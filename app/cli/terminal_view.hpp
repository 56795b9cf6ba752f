// The live view of `archscope run` (and `runs follow`): a renderer of the live state that
// views/live folds from the run's events. On a terminal: a progress bar, tokens/s and step time,
// the in-flight step's layers, and the last step's time per layer, redrawn in place with ANSI
// cursor moves at most ten times a second. Otherwise plain lines that read well in a log: the
// prefill, decode progress at every tenth of the steps, and the outcome. With a text prompt the
// terminal frame also shows the last lines of the text generated so far.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>

#include "events/events.hpp"
#include "live/live_state.hpp"

namespace archscope::cli {

class TerminalView {
 public:
  TerminalView(std::ostream& out, bool terminal);

  void on_event(const prof::Event& e);

  // Text of the first sequence as it is generated (complete UTF-8 only); safe to call from the
  // run's thread while the view thread draws. Shown on a terminal, ignored in plain mode (the
  // caller prints the whole text at the end).
  void append_text(const std::string& chunk);

  // The block drawn on a terminal for the current state (exposed for tests).
  std::string frame() const;
  const views::live::LiveState& state() const { return fold_.state(); }

 private:
  void on_step();
  void draw(bool force);
  std::string progress_line() const;

  std::ostream& out_;
  bool terminal_;
  views::live::LiveFold fold_;
  int drawn_lines_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
  std::chrono::steady_clock::time_point last_progress_{};
  int64_t last_plain_decile_ = -1;
  mutable std::mutex text_mutex_;
  std::string text_;
};

}  // namespace archscope::cli
