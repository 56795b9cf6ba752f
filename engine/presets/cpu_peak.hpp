// The CPU's theoretical FP32 FMA peak from its microarchitecture: FP32 FLOPs per cycle per core
// (FMA pipes x vector lanes x 2) from the vendor's optimisation guide, times the physical cores,
// times the clock the kernel reports. A ceiling that no kernel of ours takes part in, for the
// prefill figure of `archscope bench` and the profile `archscope hardware --measure` writes.
#pragma once

#include <optional>
#include <string>

namespace archscope {

struct CpuPeak {
  std::string vendor;                // /proc/cpuinfo vendor_id
  int family = 0;                    // "cpu family"
  int model = 0;                     // "model"
  std::string microarchitecture;     // "Zen 4"; empty when the table has no entry
  int flops_per_cycle_per_core = 0;  // FP32, FMA counted as 2; 0 when unknown
  std::string flops_source;          // the document the per-cycle figure comes from
  int physical_cores = 0;            // distinct (physical id, core id) pairs, else logical CPUs
  double ghz = 0;                    // the clock used
  std::string clock_source;          // where the clock came from, and what it means
  // flops_per_cycle_per_core x physical_cores x ghz / 1000; 0 when any part is unknown.
  double tflops() const;
};

// From the text of /proc/cpuinfo and the cpufreq maximum in kHz (0 when the kernel has no
// cpufreq, as in most VMs: then the "cpu MHz" field, which a boosting part can exceed).
CpuPeak cpu_peak_from(const std::string& cpuinfo, double cpufreq_max_khz);

// The host: /proc/cpuinfo and /sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq.
CpuPeak host_cpu_peak();

}  // namespace archscope
