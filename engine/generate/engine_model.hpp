// The real model behind StepModel: a model stack (engine/stack) on the backend --backend names,
// with weights from a Hugging Face checkpoint or seeded random values and a paged KV cache sized
// for the run. Also the memory the run will need, so the CLI can refuse an oversized model before
// allocating anything.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "backend/tensor.hpp"
#include "config/layer_range.hpp"
#include "config/model_config.hpp"
#include "generate/step_model.hpp"
#include "model/forward.hpp"
#include "model/random_source.hpp"
#include "registry/registry.hpp"
#include "stack/model_stack.hpp"

namespace archscope {

struct EngineModelOptions {
  BackendSpec backend;           // cpu, cuda:N
  std::filesystem::path hf_dir;  // empty: seeded random weights
  uint64_t seed = 0;             // random weights
  RandomInitOptions random_init;       // the random weights' init; its seed is replaced by `seed`
  Elem weights = kDefaultWeightsElem;  // F32, BF16 or F16
  std::optional<quant::Format> weights_quant;  // block linear weights quantized at load (fp32 held)
  Elem kv = Elem::F32;           // KV cache element type
  int threads = 0;               // 0: one per logical CPU
  int64_t max_sequences = 1;     // sequences alive at once
  int64_t max_tokens = 0;        // tokens per sequence the cache must hold (prompt + new)
  std::optional<LayerRange> layers;  // run layers A..B only (ModelStackOptions::layers)
  // Called once the model is built, with the backend it runs on: the observer to watch every
  // forward pass (it must outlive the model), or nullptr.
  std::function<ForwardObserver*(Backend&)> observer;
};

// "--weights-dtype" value -> Elem; Error(Validation, option) unless fp32, bf16 or fp16.
Elem parse_weight_elem(const std::string& text, const std::string& option);

struct WeightsChoice {
  Elem weights = Elem::F32;
  std::optional<quant::Format> quant;
};
// A weights dtype and a weight-quantization scheme together (the CLI's --weights-dtype and
// --weights-quant, the studio's Run dock): without a scheme the dtype as given; with one, fp32
// (the dequantized weights are held in fp32), and Error(Validation, dtype_option) when the dtype
// was given explicitly as something else, unless the scheme has a packed layout
// (packed_elem: every scheme but fp8-e4m3-block128): then an explicit dtype is the one of the matrices left unquantized
// (embedding, LM head, router), and the loader refuses it on a backend that runs the scheme
// dequantized. An unknown scheme: Error(Validation, quant_option)
// listing the valid ones.
WeightsChoice weights_choice(const std::string& dtype, bool dtype_given, const std::string& scheme,
                             const std::string& dtype_option = "--weights-dtype",
                             const std::string& quant_option = "--weights-quant");

// The stack options a StepModel with these options opens (decode steps of one token).
ModelStackOptions stack_options(const EngineModelOptions& options);

// Refuses (Error Resource, one line naming `what`) when weights + KV exceed the device's memory;
// then loads. Throws what the loader throws for a bad checkpoint.
std::unique_ptr<StepModel> open_engine_model(const ModelConfig& config,
                                             const EngineModelOptions& options,
                                             const std::string& what);

}  // namespace archscope
