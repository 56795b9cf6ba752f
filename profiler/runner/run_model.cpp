#include "runner/run_model.hpp"

#include "common/error.hpp"
#include "generate/engine_model.hpp"
#include "kv/memory_check.hpp"
#include "model/load.hpp"

namespace archscope::prof {

namespace {

constexpr int64_t kBlockSize = 16;

// Checked before any member is built, so an oversized model fails without allocating.
const ModelConfig& checked_fit(const ModelConfig& config, const RunModelOptions& o, const std::string& what) {
  if (o.threads < 1 || o.sequences < 1 || o.tokens_per_sequence < 1)
    throw Error(ErrorKind::Internal, "profiler", "run model sized for nothing");
  EngineModelOptions eo;
  eo.weights = o.weights;
  eo.kv = o.kv;
  eo.max_sequences = o.sequences;
  eo.max_tokens = o.tokens_per_sequence;
  const EngineMemory need = engine_memory(config, eo);
  check_fits(need.weights_bytes + need.kv_bytes, what + ": weights + KV cache");
  return config;
}

// Each sequence owns whole blocks, so the pool must hold every sequence's last partial block.
int64_t pool_tokens(const RunModelOptions& o) {
  return (o.tokens_per_sequence + kBlockSize - 1) / kBlockSize * kBlockSize * o.sequences;
}

}  // namespace

RunModel::RunModel(const ModelConfig& config, const RunModelOptions& o, const std::string& what)
    : config_(checked_fit(config, o, what)),
      cpu_(o.threads),
      checked_(cpu_),
      weights_(o.hf_dir.empty() ? random_weights(checked_, config_, o.random, o.weights)
                                : load_hf_weights(checked_, config_, o.hf_dir, o.weights)),
      model_(checked_, config_, weights_),
      cache_(checked_, config_,
             KvCacheOptions{.dtype = o.kv,
                            .block_size = kBlockSize,
                            .max_tokens = pool_tokens(o),
                            .max_sequences = o.sequences}) {}

}  // namespace archscope::prof
