// The real model behind StepModel: a CPU backend, weights (a Hugging Face checkpoint or seeded
// random values), a paged KV cache sized for the run, and the forward pass. Also the memory the
// run will need, so the CLI can refuse an oversized model before allocating anything.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "backend/tensor.hpp"
#include "config/model_config.hpp"
#include "generate/step_model.hpp"

namespace archscope {

struct EngineModelOptions {
  std::filesystem::path hf_dir;  // empty: seeded random weights
  uint64_t seed = 0;             // random weights
  Elem weights = Elem::F32;      // F32, BF16 or F16
  Elem kv = Elem::F32;           // KV cache element type
  int threads = 0;               // 0: one per logical CPU
  int64_t max_sequences = 1;     // sequences alive at once
  int64_t max_tokens = 0;        // tokens per sequence the cache must hold (prompt + new)
};

// "--weights-dtype" value -> Elem; Error(Validation, option) unless fp32, bf16 or fp16.
Elem parse_weight_elem(const std::string& text, const std::string& option);

struct EngineMemory {
  uint64_t weights_bytes = 0;  // load.hpp estimate_weight_bytes
  uint64_t kv_bytes = 0;       // plan KV bytes at max_tokens × max_sequences at the KV dtype
};
EngineMemory engine_memory(const ModelConfig& config, const EngineModelOptions& options);

// Refuses (Error Resource, one line naming `what`) when weights + KV exceed MemAvailable; then
// loads. Throws what the loader throws for a bad checkpoint.
std::unique_ptr<StepModel> open_engine_model(const ModelConfig& config,
                                             const EngineModelOptions& options,
                                             const std::string& what);

}  // namespace archscope
