// A hardware profile (archscope.hardware/1) measured on the machine it runs on, for
// `archscope hardware --measure`: read bandwidth and the FP32 GEMM rate (the better of
// archscope's packed kernel and OpenBLAS's sgemm, both measured here), the memory size from
// /proc/meminfo, and in its description and source the CPU it was measured on with the
// theoretical FMA peak beside the measured rate.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "presets/blas_gemm.hpp"
#include "presets/cpu_peak.hpp"
#include "presets/measure_host.hpp"

namespace archscope {

struct HostProfileMeasurement {
  HostDescription host;
  CpuPeak peak;
  BlasGemmRate openblas;
  double read_gbs = 0;
  double own_gemm_tflops = 0;
  uint64_t mem_total_bytes = 0;  // MemTotal, 0 when /proc/meminfo is unreadable
  int threads = 0;
  std::string measured_at;  // UTC, "2026-12-01T13:20:00Z"
};

HostProfileMeasurement measure_host_profile(const HostMeasureOptions& options);

// The profile file's JSON; hardware_from_json accepts it.
nlohmann::json host_profile_json(const HostProfileMeasurement& m, const std::string& name);

}  // namespace archscope
