// A hardware profile for roofline estimates: memory bandwidth, capacity and dense peak FLOP/s per
// dtype. Files (presets/hardware/*.json) use the "archscope.hardware/1" format:
//   {"format": "archscope.hardware/1", "name": "h100-sxm", "description": "...", "source": "...",
//    "memory_bandwidth_gbs": 3350, "memory_gib": 80,
//    "peak_tflops": {"fp32": 67, "bf16": 989.4, "fp16": 989.4, "fp8": 1978.9, "int8": 1978.9}}
// Bandwidth is in decimal GB/s (vendor convention), memory in GiB, peaks in dense (not 2:4
// sparsity) TFLOP/s. A dtype missing from peak_tflops (or 0) is unsupported.
#pragma once

#include <array>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "common/dtype.hpp"

namespace archscope {

inline constexpr const char* kHardwareFormatTag = "archscope.hardware/1";
inline constexpr int kDTypeCount = 6;

struct HardwareProfile {
  std::string name;
  std::string description;
  std::string source;
  double memory_bandwidth = 0;  // bytes/s
  uint64_t memory_bytes = 0;
  std::array<double, kDTypeCount> peak_flops{};  // FLOP/s indexed by DType; 0 = unsupported

  double peak(DType t) const { return peak_flops[static_cast<size_t>(t)]; }
};

// The dtype whose peak an op computing at `wanted` gets: `wanted` when supported, otherwise the
// next wider supported type along int4 → int8 → fp16 → fp32, fp8 → bf16 → fp32, bf16 → fp32.
// Throws Error(Unsupported, profile name) when none of the chain is supported.
DType effective_compute_dtype(const HardwareProfile& hw, DType wanted);

// Parses and validates. Errors are Error(Validation) located at "<origin>: <json path>", e.g.
// "h100.json: peak_tflops.bf16: must be a non-negative number".
HardwareProfile hardware_from_json(const nlohmann::json& j, const std::string& origin = "");
// Reads a file: Error(Io) when it cannot be read, Error(Parse) for malformed JSON.
HardwareProfile load_hardware_file(const std::filesystem::path& path);

}  // namespace archscope
