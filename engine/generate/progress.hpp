// The generation progress line on stderr: phase, tokens done and tokens/s. On a terminal it is
// redrawn in place ("\r...\x1b[K") at most 10 times a second; into a file or pipe only the final
// line of each phase is written, so logs get one line per phase instead of a stream of redraws.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace archscope {

bool stderr_is_terminal();

class ProgressLine {
 public:
  // quiet: print nothing at all (--json output, tests).
  ProgressLine(std::ostream& out, bool terminal, bool quiet = false)
      : out_(out), terminal_(terminal), quiet_(quiet) {}

  // tokens of `phase` done after `seconds`; `total` 0 when unknown.
  void update(const std::string& phase, int64_t tokens, int64_t total, double seconds);
  // Ends the phase: the last state stays on screen, followed by a newline.
  void finish(const std::string& phase, int64_t tokens, int64_t total, double seconds);

  // From now on print nothing (update and finish alike): the CLI calls it once generated text
  // starts streaming to the same terminal, where a redrawn line would overwrite the text.
  void set_quiet() { quiet_ = true; }

  static std::string format(const std::string& phase, int64_t tokens, int64_t total,
                            double seconds);

 private:
  std::ostream& out_;
  bool terminal_;
  bool quiet_;
  double last_drawn_ = -1.0;
  bool drawn_ = false;
};

}  // namespace archscope
