// The engine pieces one profiled run drives, owned together in construction order: a CPU backend
// (wrapped in CheckedBackend for the NaN/Inf op check), the weights (a Hugging Face checkpoint or
// seeded random values), the forward pass and a paged KV cache sized for batch × (prompt + new).
#pragma once

#include <cstdint>
#include <filesystem>

#include "config/model_config.hpp"
#include "cpu/cpu_backend.hpp"
#include "kv/paged_kv_cache.hpp"
#include "model/forward.hpp"
#include "model/random_source.hpp"
#include "runner/checked_backend.hpp"

namespace archscope::prof {

struct RunModelOptions {
  std::filesystem::path hf_dir;  // empty: random weights from `random`
  RandomInitOptions random;
  Elem weights = Elem::BF16;  // F32, BF16 or F16
  Elem kv = Elem::F32;
  int threads = 1;             // >= 1
  int64_t sequences = 1;       // alive at once
  int64_t tokens_per_sequence = 0;  // prompt + new tokens the cache must hold
};

class RunModel {
 public:
  // Refuses (Error Resource naming `what`) when weights + KV cache exceed the available memory,
  // before allocating anything.
  RunModel(const ModelConfig& config, const RunModelOptions& options, const std::string& what);

  const ModelConfig& config() const { return config_; }
  CheckedBackend& backend() { return checked_; }
  Model& model() { return model_; }
  PagedKvCache& cache() { return cache_; }

 private:
  ModelConfig config_;
  cpu::CpuBackend cpu_;
  CheckedBackend checked_;
  ModelWeights weights_;
  Model model_;
  PagedKvCache cache_;
};

}  // namespace archscope::prof
