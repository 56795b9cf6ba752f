#include "presets/cpu_peak.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <utility>

namespace archscope {

namespace {

struct Entry {
  const char* vendor;
  int family;
  int model_lo, model_hi;  // inclusive
  const char* name;
  int flops;  // FP32 FLOPs per cycle per core
  const char* source;
};

// AMD cores: two FMA pipes each; the width of the datapath sets the lanes. Model ranges from
// the guides' family/model tables and the kernel's arch/x86 model lists. Parts whose width differs
// by product (Zen 5 mobile runs AVX-512 on 256-bit datapaths) are listed only where it is known.
// Intel is left out: its AVX-512 FMA unit count differs within one generation by SKU.
constexpr Entry kTable[] = {
    {"AuthenticAMD", 0x17, 0x00, 0x2f, "Zen / Zen+", 16,
     "AMD Software Optimization Guide for Family 17h Processors (pub. 55723): four 128-bit "
     "FP pipes, FMA on two: 2 x 4 lanes x 2"},
    {"AuthenticAMD", 0x17, 0x30, 0xaf, "Zen 2", 32,
     "AMD Software Optimization Guide for Family 17h Models 30h+ (pub. 56305): 256-bit "
     "datapaths, two FMA pipes: 2 x 8 lanes x 2"},
    {"AuthenticAMD", 0x19, 0x00, 0x0f, "Zen 3", 32,
     "AMD Software Optimization Guide for Family 19h Processors (pub. 56665): two 256-bit "
     "FMA pipes: 2 x 8 lanes x 2"},
    {"AuthenticAMD", 0x19, 0x20, 0x5f, "Zen 3", 32,
     "AMD Software Optimization Guide for Family 19h Processors (pub. 56665): two 256-bit "
     "FMA pipes: 2 x 8 lanes x 2"},
    {"AuthenticAMD", 0x19, 0x10, 0x1f, "Zen 4", 32,
     "AMD Software Optimization Guide for Family 19h Models 10h+ (pub. 57647): AVX-512 on "
     "256-bit datapaths, two FMA pipes: 2 x 8 lanes x 2"},
    {"AuthenticAMD", 0x19, 0x60, 0x7f, "Zen 4", 32,
     "AMD Software Optimization Guide for Family 19h Models 10h+ (pub. 57647): AVX-512 on "
     "256-bit datapaths, two FMA pipes: 2 x 8 lanes x 2"},
    {"AuthenticAMD", 0x19, 0xa0, 0xaf, "Zen 4c", 32,
     "AMD Software Optimization Guide for Family 19h Models 10h+ (pub. 57647): AVX-512 on "
     "256-bit datapaths, two FMA pipes: 2 x 8 lanes x 2"},
    {"AuthenticAMD", 0x1a, 0x00, 0x1f, "Zen 5 (EPYC 9005)", 64,
     "Software Optimization Guide for the AMD Zen5 Microarchitecture (pub. 58455): 512-bit "
     "datapaths, two FMA pipes: 2 x 16 lanes x 2"},
    {"AuthenticAMD", 0x1a, 0x40, 0x4f, "Zen 5 (Ryzen 9000)", 64,
     "Software Optimization Guide for the AMD Zen5 Microarchitecture (pub. 58455): 512-bit "
     "datapaths, two FMA pipes: 2 x 16 lanes x 2"},
};

std::string field_value(const std::string& line) {
  const size_t colon = line.find(':');
  if (colon == std::string::npos) return "";
  const size_t start = line.find_first_not_of(" \t", colon + 1);
  return start == std::string::npos ? "" : line.substr(start);
}

int to_int(const std::string& s) {
  try {
    return std::stoi(s);
  } catch (...) {
    return -1;
  }
}

double to_double(const std::string& s) {
  try {
    return std::stod(s);
  } catch (...) {
    return 0;
  }
}

}  // namespace

double CpuPeak::tflops() const {
  if (flops_per_cycle_per_core <= 0 || physical_cores <= 0 || ghz <= 0) return 0;
  return flops_per_cycle_per_core * physical_cores * ghz / 1000.0;
}

CpuPeak cpu_peak_from(const std::string& cpuinfo, double cpufreq_max_khz) {
  CpuPeak p;
  std::set<std::pair<std::string, std::string>> cores;  // (physical id, core id)
  int logical = 0;
  double mhz = 0;
  bool first = true;  // vendor, family, model and clock of the first CPU listed
  std::string physical;
  std::istringstream in(cpuinfo);
  for (std::string line; std::getline(in, line);) {
    const std::string key = line.substr(0, line.find_first_of("\t:"));
    const std::string value = field_value(line);
    if (key == "processor") {
      first = logical == 0;
      ++logical;
    } else if (key == "physical id") {
      physical = value;
    } else if (key == "core id") {
      cores.insert({physical, value});
    } else if (first && key == "vendor_id") {
      p.vendor = value;
    } else if (first && key == "cpu family") {
      p.family = to_int(value);
    } else if (first && key == "model") {
      p.model = to_int(value);
    } else if (first && key == "cpu MHz") {
      mhz = to_double(value);
    }
  }
  p.physical_cores = cores.empty() ? logical : static_cast<int>(cores.size());
  for (const Entry& e : kTable)
    if (p.vendor == e.vendor && p.family == e.family && p.model >= e.model_lo &&
        p.model <= e.model_hi) {
      p.microarchitecture = e.name;
      p.flops_per_cycle_per_core = e.flops;
      p.flops_source = e.source;
    }
  if (cpufreq_max_khz > 0) {
    p.ghz = cpufreq_max_khz / 1e6;
    p.clock_source = "cpufreq cpuinfo_max_freq (the highest clock the kernel allows)";
  } else if (mhz > 0) {
    p.ghz = mhz / 1e3;
    p.clock_source =
        "/proc/cpuinfo 'cpu MHz' (no cpufreq, e.g. a VM: the reported clock, which a boosting "
        "part exceeds, so the peak may sit below what a kernel reaches)";
  }
  return p;
}

CpuPeak host_cpu_peak() {
  std::ifstream info("/proc/cpuinfo");
  std::stringstream text;
  text << info.rdbuf();
  double khz = 0;
  std::ifstream freq("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
  if (!(freq >> khz)) khz = 0;
  return cpu_peak_from(text.str(), khz);
}

}  // namespace archscope
