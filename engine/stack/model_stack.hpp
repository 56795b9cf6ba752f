// One model stack: the backend a --backend spec names, the weights (a Hugging Face checkpoint or
// seeded random values), the forward pass and a paged KV cache sized for the run, owned together
// in the order they must be built and torn down. The CLI (generate, logits, bench), the profiler's
// runner and the desktop app all open models through it, so they size memory, refuse oversized
// models and pick backends the same way.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "backend/backend.hpp"
#include "config/layer_range.hpp"
#include "config/model_config.hpp"
#include "kv/paged_kv_cache.hpp"
#include "model/forward.hpp"
#include "model/random_source.hpp"
#include "model/weights.hpp"
#include "registry/registry.hpp"

namespace archscope {

// The weights dtype every command uses unless told otherwise: bf16 is what the 2025 open-weight
// checkpoints ship in (loaded without rounding), half the bytes of fp32, and the CPU kernels widen
// it to fp32 in registers, so decode, which is bound by reading the weights, runs about twice as
// fast as with fp32. Parity checks against a float64 / transformers reference ask for fp32.
inline constexpr Elem kDefaultWeightsElem = Elem::BF16;

struct ModelStackOptions {
  BackendSpec backend;                 // cpu, cuda:N
  int threads = 0;                     // CPU compute threads; 0: one per logical CPU
  std::filesystem::path hf_dir;        // empty: seeded random weights
  RandomInitOptions random;            // the random weights' seed and shape
  Elem weights = kDefaultWeightsElem;  // F32, BF16 or F16
  // Weight-only quantization of the block linear weights at load (model/weight_quant.hpp): held
  // dequantized in fp32, so `weights` must be F32 with a scheme.
  std::optional<quant::Format> weights_quant;
  Elem kv = Elem::F32;                 // KV cache element type
  int64_t max_sequences = 1;           // sequences alive at once
  int64_t max_tokens = 0;              // tokens per sequence the cache must hold (prompt + new)
  // Tokens a continuing step adds to a sequence (decode: 1). Sliding / chunked pools are sized by
  // their window plus this; 0 lets continuing steps be any length (windowed pools at full size).
  int64_t max_step_tokens = 1;
  // Run layers A..B only (config/layer_range.hpp): weights and KV cache of those layers plus the
  // embedding, final norm and LM head. Random weights only (a checkpoint is refused).
  std::optional<LayerRange> layers;
};

struct StackMemory {
  uint64_t weights_bytes = 0;  // load.hpp estimate_weight_bytes
  uint64_t kv_bytes = 0;       // PagedKvCache::allocated_bytes of the cache the stack builds
  uint64_t total() const { return weights_bytes + kv_bytes; }
};

// The cache a stack with these options builds: 16-token blocks, every sequence's last partial
// block included.
KvCacheOptions stack_kv_options(const ModelStackOptions& options);
// What the stack will allocate, computed without allocating.
StackMemory stack_memory(const ModelConfig& config, const ModelStackOptions& options);

// Wraps the opened backend in another one the model then runs on (the profiler's CheckedBackend
// for its NaN/Inf op check). The wrapper is owned by the stack and outlives the model.
using BackendWrapper = std::function<std::unique_ptr<Backend>(Backend& device)>;

class ModelStack {
 public:
  // Opens the backend, then refuses (Error Resource, one line naming `what`) when weights + KV
  // exceed the device's free memory (MemAvailable for the CPU), then loads. Throws what the
  // registry throws for an unusable --backend and what the loader throws for a bad checkpoint.
  ModelStack(const ModelConfig& config, const ModelStackOptions& options, const std::string& what,
             const BackendWrapper& wrap = {});
  ~ModelStack();
  ModelStack(const ModelStack&) = delete;
  ModelStack& operator=(const ModelStack&) = delete;

  const ModelConfig& config() const { return config_; }
  const ModelStackOptions& options() const { return options_; }
  // What the model runs on: the wrapper when one was given, otherwise the device backend.
  Backend& backend() { return wrapper_ ? *wrapper_ : *device_; }
  Backend& device_backend() { return *device_; }
  Model& model() { return *model_; }
  PagedKvCache& cache() { return *cache_; }
  const ModelWeights& weights() const { return *weights_; }
  const StackMemory& memory() const { return memory_; }

 private:
  ModelConfig config_;
  ModelStackOptions options_;
  StackMemory memory_;
  // Declared in build order; destroyed in reverse, so nothing outlives the backend it uses.
  std::unique_ptr<Backend> device_;
  std::unique_ptr<Backend> wrapper_;
  std::unique_ptr<ModelWeights> weights_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<PagedKvCache> cache_;
};

}  // namespace archscope
