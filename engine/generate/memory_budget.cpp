#include "generate/memory_budget.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace archscope {

namespace {

// The value in kB of a "Key:   1234 kB" line of a /proc file, in bytes; 0 when absent.
uint64_t proc_kb_field(const char* file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) != 0 || line.size() <= key.size() || line[key.size()] != ':')
      continue;
    std::istringstream fields(line.substr(key.size() + 1));
    uint64_t kb = 0;
    if (fields >> kb) return kb * 1024;
  }
  return 0;
}

}  // namespace

uint64_t peak_rss_bytes() { return proc_kb_field("/proc/self/status", "VmHWM"); }

uint64_t current_rss_bytes() { return proc_kb_field("/proc/self/status", "VmRSS"); }

bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.close();
  return static_cast<bool>(out);
}

std::string format_bytes(uint64_t bytes) {
  char out[32];
  const double b = static_cast<double>(bytes);
  if (b >= 1024.0 * 1024 * 1024) std::snprintf(out, sizeof out, "%.2f GiB", b / (1024.0 * 1024 * 1024));
  else if (b >= 1024.0 * 1024) std::snprintf(out, sizeof out, "%.1f MiB", b / (1024.0 * 1024));
  else std::snprintf(out, sizeof out, "%.1f KiB", b / 1024.0);
  return out;
}

}  // namespace archscope
