// How busy the whole machine is, so a benchmark can report whether other processes competed for
// the cores while it ran (a shared build machine makes timings meaningless without this).
#pragma once

namespace archscope {

// CPU seconds all processes have spent busy since boot (user + nice + system + irq + softirq +
// steal of the "cpu" line of /proc/stat); negative when /proc/stat cannot be read.
double machine_busy_cpu_seconds();

}  // namespace archscope
