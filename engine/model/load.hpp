// Building ModelWeights: from a Hugging Face checkpoint directory or seeded random values, at
// fp32 / bf16 / fp16. Both refuse up front (Error Resource) when the estimated bytes exceed the
// memory available (/proc/meminfo MemAvailable).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include "backend/backend.hpp"
#include "config/layer_range.hpp"
#include "config/model_config.hpp"
#include "kv/memory_check.hpp"
#include "model/random_source.hpp"
#include "model/weight_source.hpp"
#include "model/weights.hpp"

namespace archscope {

// Bytes the weights will take in the backend: the analytic plan's parameter bytes at `dtype`
// plus the per-head W_uk^T copy of kv_b_proj that absorbed MLA keeps (AttentionWeights::absorb_q).
// With a slice: the plan's prologue and epilogue (embedding, final norm, LM head) and the slice's
// layers only.
uint64_t estimate_weight_bytes(const ModelConfig& config, Elem dtype,
                               const std::optional<LayerRange>& slice = std::nullopt);

// Every tensor the config needs, in the forward pass's layouts. dtype: F32, BF16 or F16. With a
// weight scheme (weight_quant.hpp says which tensors) whose packed layout the backend runs
// (packed_elem, Backend::supports_packed) the block linear weights are packed tensor by tensor
// (one checkpoint tensor's fp32 values on the host at a time) and dtype applies to the other
// matrices; with any other scheme dtype must be F32: the dequantized weights are held in fp32, so
// a run equals one on the dequantized weights exactly (Error Validation, "--weights-dtype",
// otherwise). The memory check still counts the quantized weights at dtype (an over-estimate
// for packed ones). With a slice, the embedding, final norm, LM head and the slice's
// layers only (each requested by its full-model name, so seeded values are the full model's).
ModelWeights build_weights(Backend& backend, const ModelConfig& config, WeightSource& source, Elem dtype,
                           std::optional<quant::Format> scheme = std::nullopt,
                           const std::optional<LayerRange>& slice = std::nullopt);
ModelWeights load_hf_weights(Backend& backend, const ModelConfig& config, const std::filesystem::path& dir,
                             Elem dtype = Elem::F32, std::optional<quant::Format> scheme = std::nullopt);
ModelWeights random_weights(Backend& backend, const ModelConfig& config, const RandomInitOptions& options,
                            Elem dtype = Elem::F32, std::optional<quant::Format> scheme = std::nullopt,
                            const std::optional<LayerRange>& slice = std::nullopt);

}  // namespace archscope
