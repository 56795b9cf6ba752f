#include "generate/engine_model.hpp"

#include <thread>

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "cpu/cpu_backend.hpp"
#include "kv/paged_kv_cache.hpp"
#include "model/forward.hpp"
#include "model/load.hpp"
#include "plan/analysis.hpp"

namespace archscope {

namespace {

constexpr int64_t kBlockSize = 16;

int64_t rounded_tokens(const EngineModelOptions& o) {
  // Each sequence owns whole blocks, so the pool must hold every sequence's last partial block.
  const int64_t per_seq = (o.max_tokens + kBlockSize - 1) / kBlockSize * kBlockSize;
  return per_seq * o.max_sequences;
}

// Members in construction order: the backend outlives the weights, cache and model that use it.
class EngineModel final : public StepModel {
 public:
  EngineModel(const ModelConfig& config, const EngineModelOptions& o)
      : config_(config),
        backend_(o.threads > 0 ? o.threads
                               : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))),
        weights_(o.hf_dir.empty()
                     ? random_weights(backend_, config_, RandomInitOptions{.seed = o.seed}, o.weights)
                     : load_hf_weights(backend_, config_, o.hf_dir, o.weights)),
        model_(backend_, config_, weights_),
        cache_(backend_, config_,
               KvCacheOptions{.dtype = o.kv,
                              .block_size = kBlockSize,
                              .max_tokens = rounded_tokens(o),
                              .max_sequences = o.max_sequences}) {}

  int64_t vocab_size() const override { return config_.vocab_size; }
  int64_t add_sequence() override { return cache_.add_sequence(); }
  void free_sequence(int64_t seq) override { cache_.free_sequence(seq); }

  void prefill(int64_t seq, std::span<const int32_t> tokens, bool all_rows,
               std::vector<float>& logits) override {
    std::vector<SequenceStep> batch{{seq, std::vector<int32_t>(tokens.begin(), tokens.end())}};
    logits = model_.forward_host(cache_, batch, all_rows ? LogitRows::All : LogitRows::LastPerSequence);
  }

  void decode(std::span<const int64_t> seqs, std::span<const int32_t> tokens,
              std::vector<float>& logits) override {
    std::vector<SequenceStep> batch;
    batch.reserve(seqs.size());
    for (size_t i = 0; i < seqs.size(); ++i) batch.push_back({seqs[i], {tokens[i]}});
    logits = model_.forward_host(cache_, batch);
  }

 private:
  ModelConfig config_;
  cpu::CpuBackend backend_;
  ModelWeights weights_;
  Model model_;
  PagedKvCache cache_;
};

}  // namespace

Elem parse_weight_elem(const std::string& text, const std::string& option) {
  const std::optional<DType> t = parse_dtype(text);
  if (t == DType::F32) return Elem::F32;
  if (t == DType::BF16) return Elem::BF16;
  if (t == DType::F16) return Elem::F16;
  throw Error(ErrorKind::Validation, option,
              "'" + text + "' is not a weight dtype the engine runs (fp32, bf16, fp16)");
}

EngineMemory engine_memory(const ModelConfig& config, const EngineModelOptions& options) {
  EngineMemory m;
  m.weights_bytes = estimate_weight_bytes(config, options.weights);
  m.kv_bytes = kv_bytes_at_context(config, options.max_tokens, options.max_sequences,
                                   dtype_of(options.kv));
  return m;
}

std::unique_ptr<StepModel> open_engine_model(const ModelConfig& config,
                                             const EngineModelOptions& options,
                                             const std::string& what) {
  if (options.max_tokens < 1 || options.max_sequences < 1) {
    throw Error(ErrorKind::Internal, "engine", "cache sized for no tokens");
  }
  const EngineMemory need = engine_memory(config, options);
  check_fits(need.weights_bytes + need.kv_bytes, what + ": weights + KV cache");
  return std::make_unique<EngineModel>(config, options);
}

}  // namespace archscope
