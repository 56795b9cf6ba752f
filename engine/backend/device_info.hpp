// What the engine can run on: one entry per device of each backend family, as the registry
// (engine/registry) lists them for `archscope devices` and the desktop app's backend picker.
#pragma once

#include <cstdint>
#include <string>

namespace archscope {

struct DeviceInfo {
  std::string spec;                // what --backend takes: "cpu", "cuda:0", "cuda:1"...
  std::string kind;                // "cpu" or "cuda"
  int index = 0;                   // device ordinal within its kind (0 for the CPU)
  std::string name;                // "AMD EPYC 9R14", "NVIDIA H200"
  uint64_t memory_total_bytes = 0; // host RAM for the CPU, device memory for a GPU
  uint64_t memory_free_bytes = 0;  // MemAvailable for the CPU, cudaMemGetInfo's free for a GPU
  std::string compute_capability;  // "9.0" for a GPU, empty for the CPU
  int cores = 0;                   // logical CPUs for the CPU, multiprocessors for a GPU
};

}  // namespace archscope
