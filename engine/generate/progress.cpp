#include "generate/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace archscope {

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

std::string ProgressLine::format(const std::string& phase, int64_t tokens, int64_t total,
                                 double seconds) {
  char rate[64];
  if (seconds > 0.0) {
    std::snprintf(rate, sizeof rate, "%.1f tokens/s", static_cast<double>(tokens) / seconds);
  } else {
    std::snprintf(rate, sizeof rate, "- tokens/s");
  }
  char line[192];
  if (total > 0) {
    std::snprintf(line, sizeof line, "%s: %lld/%lld tokens, %.2f s, %s", phase.c_str(),
                  static_cast<long long>(tokens), static_cast<long long>(total), seconds, rate);
  } else {
    std::snprintf(line, sizeof line, "%s: %lld tokens, %.2f s, %s", phase.c_str(),
                  static_cast<long long>(tokens), seconds, rate);
  }
  return line;
}

void ProgressLine::update(const std::string& phase, int64_t tokens, int64_t total,
                          double seconds) {
  if (quiet_ || !terminal_) return;
  if (drawn_ && seconds - last_drawn_ < 0.1) return;
  out_ << '\r' << format(phase, tokens, total, seconds) << "\x1b[K" << std::flush;
  last_drawn_ = seconds;
  drawn_ = true;
}

void ProgressLine::finish(const std::string& phase, int64_t tokens, int64_t total,
                          double seconds) {
  if (quiet_) return;
  if (terminal_) out_ << '\r';
  out_ << format(phase, tokens, total, seconds);
  if (terminal_) out_ << "\x1b[K";
  out_ << '\n' << std::flush;
  drawn_ = false;
  last_drawn_ = -1.0;
}

}  // namespace archscope
