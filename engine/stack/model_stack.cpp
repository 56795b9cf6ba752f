#include "stack/model_stack.hpp"

#include "common/error.hpp"
#include "kv/memory_check.hpp"
#include "model/load.hpp"

namespace archscope {

namespace {

constexpr int64_t kBlockSize = 16;

// The free memory of the device that will hold the model: MemAvailable for the CPU (0 = unknown,
// nothing refused), the driver's free figure for a GPU.
void check_device_memory(const StackMemory& need, const BackendSpec& spec,
                         const std::string& what) {
  const std::string where = what + ": weights + KV cache";
  if (spec.kind == BackendKind::Cpu) {
    check_fits(need.total(), where);
    return;
  }
  const DeviceInfo device = device_of(spec);
  if (device.memory_free_bytes > 0 && need.total() > device.memory_free_bytes)
    throw Error(ErrorKind::Resource, where,
                "needs " + std::to_string(need.total()) + " bytes, only " +
                    std::to_string(device.memory_free_bytes) + " free on " + spec.text() + " (" +
                    device.name + ")");
}

}  // namespace

KvCacheOptions stack_kv_options(const ModelStackOptions& o) {
  if (o.max_tokens < 1 || o.max_sequences < 1)
    throw Error(ErrorKind::Internal, "model stack", "cache sized for no tokens");
  // Each sequence owns whole blocks, so the pool must hold every sequence's last partial block.
  const int64_t per_seq = (o.max_tokens + kBlockSize - 1) / kBlockSize * kBlockSize;
  KvCacheOptions kv;
  kv.dtype = o.kv;
  kv.block_size = kBlockSize;
  kv.max_tokens = per_seq * o.max_sequences;
  kv.max_sequences = o.max_sequences;
  kv.max_step_tokens = o.max_step_tokens;
  kv.slice = o.layers;
  return kv;
}

StackMemory stack_memory(const ModelConfig& config, const ModelStackOptions& options) {
  StackMemory m;
  if (options.layers) check_layer_range(*options.layers, config);
  m.weights_bytes = estimate_weight_bytes(config, options.weights, options.layers);
  m.kv_bytes = PagedKvCache::allocated_bytes(config, stack_kv_options(options));
  return m;
}

ModelStack::ModelStack(const ModelConfig& config, const ModelStackOptions& options,
                       const std::string& what, const BackendWrapper& wrap)
    : config_(config), options_(options), memory_(stack_memory(config_, options_)) {
  if (options_.layers && !options_.hf_dir.empty())
    throw Error(ErrorKind::Unsupported, "--layers",
                "a layer slice runs seeded random weights only; drop --model-dir");
  check_device_memory(memory_, options_.backend, what);  // before anything is allocated
  device_ = make_backend(options_.backend, {.threads = options_.threads});
  if (wrap) wrapper_ = wrap(*device_);
  Backend& be = backend();
  weights_ = std::make_unique<ModelWeights>(
      options_.hf_dir.empty()
          ? random_weights(be, config_, options_.random, options_.weights, options_.weights_quant,
                           options_.layers)
          : load_hf_weights(be, config_, options_.hf_dir, options_.weights, options_.weights_quant));
  model_ = std::make_unique<Model>(be, config_, *weights_);
  cache_ = std::make_unique<PagedKvCache>(be, config_, stack_kv_options(options_));
}

ModelStack::~ModelStack() = default;

}  // namespace archscope
