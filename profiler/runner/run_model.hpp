// The engine pieces one profiled run drives: a model stack (engine/stack) on the backend the run
// names, wrapped in CheckedBackend for the NaN/Inf op check, with weights from a Hugging Face
// checkpoint or seeded random values and a paged KV cache sized for batch × (prompt + new).
#pragma once

#include <cstdint>
#include <filesystem>

#include "config/model_config.hpp"
#include "kv/paged_kv_cache.hpp"
#include "model/forward.hpp"
#include "model/random_source.hpp"
#include "registry/registry.hpp"
#include "runner/checked_backend.hpp"
#include "stack/model_stack.hpp"

namespace archscope::prof {

struct RunModelOptions {
  BackendSpec backend;           // cpu, cuda:N
  std::filesystem::path hf_dir;  // empty: random weights from `random`
  RandomInitOptions random;
  Elem weights = kDefaultWeightsElem;  // F32, BF16 or F16
  std::optional<quant::Format> weights_quant;  // ModelStackOptions::weights_quant
  Elem kv = Elem::F32;
  int threads = 1;             // >= 1
  int64_t sequences = 1;       // alive at once
  int64_t tokens_per_sequence = 0;  // prompt + new tokens the cache must hold
  std::optional<LayerRange> layers;  // a layer slice (ModelStackOptions::layers)
};

class RunModel {
 public:
  // Refuses (Error Resource naming `what`) when weights + KV cache exceed the device's memory,
  // before allocating anything.
  RunModel(const ModelConfig& config, const RunModelOptions& options, const std::string& what);

  const ModelConfig& config() const { return stack_.config(); }
  CheckedBackend& backend() { return *checked_; }
  Model& model() { return stack_.model(); }
  PagedKvCache& cache() { return stack_.cache(); }
  const ModelStack& stack() const { return stack_; }

 private:
  CheckedBackend* checked_ = nullptr;  // owned by stack_ (its backend wrapper)
  ModelStack stack_;
};

}  // namespace archscope::prof
