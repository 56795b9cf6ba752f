#include "generate/host_load.hpp"

#include <unistd.h>

#include <fstream>
#include <string>

namespace archscope {

double machine_busy_cpu_seconds() {
  std::ifstream in("/proc/stat");
  std::string label;
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                     steal = 0;
  if (!(in >> label >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) ||
      label != "cpu") {
    return -1.0;
  }
  const long ticks = ::sysconf(_SC_CLK_TCK);
  if (ticks <= 0) return -1.0;
  return static_cast<double>(user + nice + system + irq + softirq + steal) /
         static_cast<double>(ticks);
}

}  // namespace archscope
