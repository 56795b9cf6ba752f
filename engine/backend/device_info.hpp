// What the engine can run on: one entry per device of each backend family, as the registry
// (engine/registry) lists them for `archscope devices` and the desktop app's backend picker.
#pragma once

#include <cstdint>
#include <string>

namespace archscope {

struct DeviceInfo {
  std::string spec;                 // what --backend takes: "cpu", "cuda:0", "cuda:1"...
  std::string kind;                 // "cpu" or "cuda"
  int index = 0;                    // device ordinal within its kind (0 for the CPU)
  std::string name;                 // "AMD EPYC 9R14", "NVIDIA H200"
  uint64_t memory_total_bytes = 0;  // host RAM for the CPU, device memory for a GPU
  uint64_t memory_free_bytes = 0;   // MemAvailable for the CPU, cudaMemGetInfo's free for a GPU
  std::string compute_capability;   // "9.0" for a GPU, empty for the CPU
  int cores = 0;                    // logical CPUs for the CPU, multiprocessors for a GPU
};

// A device's limits measured in-process (`archscope bench` reports times against them): large
// buffers (several times the last-level cache), random data, median of repeated timed runs.
struct DeviceCeilings {
  double read_gbs = 0;          // read-only streaming (max-abs reduction over fp32), 1e9 B/s
  double copy_gbs = 0;          // device-to-device copy, bytes read + written
  double bf16_gemm_tflops = 0;  // 8192^3 bf16 GEMM, fp32 accumulation (tensor cores)
  double fp32_gemm_tflops = 0;  // 4096^3 fp32 GEMM without TF32
  uint64_t buffer_bytes = 0;    // size of the streamed buffer
};

}  // namespace archscope
