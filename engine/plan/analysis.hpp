// Analytic summary of a model at a context and batch: parameters, KV cache, FLOPs, weight bytes
// and, given hardware, a roofline estimate. Every figure is a sum over the prefill or decode plan
// (plan.hpp); nothing is recomputed by separate formulas.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plan/hardware.hpp"
#include "plan/memory_fit.hpp"
#include "plan/plan.hpp"
#include "plan/roofline.hpp"

namespace archscope {

struct AnalysisOptions {
  int64_t context = 4096;  // prefill length, and tokens cached at the decode step (>= 1)
  int64_t batch = 1;
  DType weights = DType::BF16;
  DType kv = DType::BF16;
  DType activations = DType::BF16;
  int64_t quant_group_size = 0;  // see PlanOptions
  std::optional<quant::Format> weights_quant;  // see PlanOptions
  QuantScope weights_quant_scope = QuantScope::BlockLinear;  // see PlanOptions
  bool weights_quant_format_count = false;                   // see PlanOptions
};

struct ComponentFigures {
  uint64_t params = 0;
  uint64_t params_active = 0;
  FlopCount prefill_flops = 0;
  FlopCount decode_flops = 0;
};

struct Analysis {
  // Shared so the plans' LayerSpec::rope pointers stay valid when the Analysis is copied or moved.
  std::shared_ptr<const ModelConfig> config;
  AnalysisOptions options;
  std::optional<HardwareProfile> hardware;
  Plan prefill;  // `context` tokens per sequence from context 0
  Plan decode;   // one token per sequence at `context` cached tokens

  struct Params {
    uint64_t total = 0;   // main model (mtp_layers excluded), tied embeddings once
    uint64_t active = 0;  // total minus the routed experts a token does not select
    uint64_t embedding = 0;  // token embedding + learned position table
    uint64_t active_without_input_embedding = 0;  // active − embedding (gpt-oss/DeepSeek cards)
    uint64_t non_embedding = 0;  // total − embedding − untied head (Qwen/GLM convention)
  } params;
  std::array<ComponentFigures, kComponentCount> components{};  // indexed by Component

  struct Kv {
    uint64_t bytes_per_token = 0;   // one more token at short context, all layers, batch 1
    // One more token once every sliding window and chunk is full (only full / MLA layers still
    // grow); equal to bytes_per_token without windowed layers.
    uint64_t bytes_per_token_steady = 0;
    int64_t steady_after_tokens = 0;  // the largest window / chunk (0: no windowed layer)
    uint64_t bytes_at_context = 0;  // held after `context` tokens, × batch
  } kv;

  struct Flops {
    FlopCount prefill_total = 0;  // the whole prefill plan (batch × context tokens)
    FlopCount decode_step = 0;    // one decode step (batch tokens)
    double prefill_per_token = 0;  // prefill_total / (batch × context)
    double decode_per_token = 0;   // decode_step / batch
  } flops;

  uint64_t weights_bytes = 0;  // Σ param_bytes: the model's weights at the chosen dtypes

  std::optional<PlanRoofline> prefill_roofline;  // with hardware
  std::optional<PlanRoofline> decode_roofline;

  MemoryFit memory;  // weights + KV + activations against the hardware's memory (memory_fit.hpp)

  // What the figures do not cover, one sentence each (a context past the config's
  // max_position_embeddings).
  std::vector<std::string> warnings;
};

// Throws Error(Validation, "options.context"/"options.batch") for bad options; expects a valid
// config.
Analysis summarize(const ModelConfig& config, const AnalysisOptions& options,
                   const std::optional<HardwareProfile>& hardware = std::nullopt);

// KV cache figures from the plan: Σ kv_bytes_held of a prefill plan. Per token: the difference
// between 2 and 1 tokens at batch 1 (constant linear-attention state cancels out).
uint64_t kv_bytes_at_context(const ModelConfig& config, int64_t context, int64_t batch, DType kv);
uint64_t kv_bytes_per_token(const ModelConfig& config, DType kv);
// The per-token growth once every window and chunk is full: the difference between W + 2 and
// W + 1 tokens, W the largest sliding window or chunk of any layer (kv_bytes_per_token when none).
uint64_t kv_bytes_per_token_steady(const ModelConfig& config, DType kv);
// The largest sliding window or chunk of the config's layers; 0 when none.
int64_t largest_window(const ModelConfig& config);

// Counts are JSON integers (uint64, exact); FLOP counts too while below 2^64, doubles beyond;
// per-token averages are integers when exact, otherwise doubles; times are doubles in seconds.
nlohmann::json analysis_to_json(const Analysis& analysis);
// A FLOP count as JSON: an integer when it is one below 2^64, otherwise a double.
nlohmann::json flops_json(FlopCount flops);

}  // namespace archscope
