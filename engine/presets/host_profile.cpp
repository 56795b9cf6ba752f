#include "presets/host_profile.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <thread>

namespace archscope {

namespace {

uint64_t mem_total_bytes() {
  std::ifstream in("/proc/meminfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("MemTotal:", 0) == 0) {
      try {
        return std::stoull(line.substr(9)) * 1024;  // the kernel prints kB (KiB)
      } catch (...) {
        return 0;
      }
    }
  return 0;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string fixed(double v, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

// Rounded as the catalog's profiles are written (3 significant decimals of a TFLOP/s figure).
double round_to(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

}  // namespace

HostProfileMeasurement measure_host_profile(const HostMeasureOptions& options) {
  HostProfileMeasurement m;
  m.host = describe_host();
  m.peak = host_cpu_peak();
  m.threads = options.threads > 0
                  ? options.threads
                  : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  m.read_gbs = measure_read_bandwidth(options);
  m.own_gemm_tflops = measure_fp32_gemm_peak(options);
  // OpenBLAS last: its worker threads spin for a while after a call.
  m.openblas = measure_openblas_sgemm(m.threads, options.min_seconds);
  m.mem_total_bytes = mem_total_bytes();
  m.measured_at = utc_now();
  return m;
}

nlohmann::json host_profile_json(const HostProfileMeasurement& m, const std::string& name) {
  const CpuPeak& p = m.peak;
  const double fp32 = std::max(m.own_gemm_tflops, m.openblas.available ? m.openblas.tflops : 0.0);
  std::string cpu = "'" + m.host.cpu_model + "' (" + p.vendor + " family " +
                    std::to_string(p.family) + " model " + std::to_string(p.model) +
                    (p.microarchitecture.empty() ? "" : ", " + p.microarchitecture) + ")";
  std::string source = "Measured by `archscope hardware --measure` at " + m.measured_at + " on " +
                       cpu + ", " + std::to_string(m.host.logical_cpus) + " logical CPUs, " +
                       std::to_string(p.physical_cores) + " physical cores, " +
                       std::to_string(m.threads) + " threads: read bandwidth " +
                       fixed(m.read_gbs, 1) + " GB/s (512 MiB summed, best run); FP32 GEMM " +
                       fixed(m.own_gemm_tflops, 3) + " TFLOP/s archscope's packed kernel, ";
  source += m.openblas.available ? fixed(m.openblas.tflops, 3) + " TFLOP/s OpenBLAS cblas_sgemm (" +
                                       m.openblas.library + ", n = 1536)"
                                 : "OpenBLAS not measured: " + m.openblas.reason;
  source += "; the profile's fp32 is the better of the two. Theoretical FP32 FMA peak ";
  if (p.tflops() > 0) {
    source += fixed(p.tflops(), 3) + " TFLOP/s = " + std::to_string(p.flops_per_cycle_per_core) +
              " FLOP/cycle/core (" + p.flops_source + ") x " + std::to_string(p.physical_cores) +
              " cores x " + fixed(p.ghz, 3) + " GHz (" + p.clock_source + ")";
  } else {
    source += "unknown (no per-cycle figure for this CPU in engine/presets/cpu_peak.cpp)";
  }
  source += ". No bf16/fp16/fp8/int8 matmul peak is measured, so those fall back to fp32";
  nlohmann::json j = {
      {"format", "archscope.hardware/1"},
      {"name", name},
      {"description", m.host.cpu_model + ", " + std::to_string(m.host.logical_cpus) +
                          " logical CPUs" +
                          (p.microarchitecture.empty() ? "" : " (" + p.microarchitecture + ")") +
                          ", measured on this host, FP32 only"},
      {"source", source},
      {"memory_bandwidth_gbs", round_to(m.read_gbs, 1)},
      {"peak_tflops", {{"fp32", round_to(fp32, 4)}}},
  };
  if (m.mem_total_bytes > 0)
    j["memory_gib"] = round_to(static_cast<double>(m.mem_total_bytes) / (1ull << 30), 2);
  return j;
}

}  // namespace archscope
