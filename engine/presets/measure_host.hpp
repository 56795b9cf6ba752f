// Measures the host CPU so that a "cpu-generic" hardware profile (and later `archscope bench`)
// rests on numbers taken on the machine, not on guesses: sustained memory read bandwidth and
// the FP32 matrix-multiply rate of a register-blocked kernel.
#pragma once

#include <string>

namespace archscope {

struct HostMeasureOptions {
  int threads = 0;             // 0: one per logical CPU (std::thread::hardware_concurrency)
  double min_seconds = 0.5;    // repeat each measurement at least this long, keep the best run
};

struct HostDescription {
  std::string cpu_model;  // /proc/cpuinfo "model name", "unknown" when not readable
  int logical_cpus = 0;
};

HostDescription describe_host();

// Sustained read bandwidth in GB/s (1e9 bytes per second) over a buffer far larger than any
// last-level cache, every thread summing its own first-touched slice.
double measure_read_bandwidth(const HostMeasureOptions& options = {});

// FP32 GEMM rate in TFLOP/s (2 n^3 flops per n x n x n product) of a packed, register-blocked
// kernel, compiled for AVX-512, AVX2+FMA and baseline x86-64 with the best picked at run time.
// It is a lower bound on the machine's FP32 peak: what a decent hand-written kernel reaches.
double measure_fp32_gemm_peak(const HostMeasureOptions& options = {});

}  // namespace archscope
