// What the analytic plan says a benchmark run must cost, so `bench` can put measured times next
// to the machine's limits: the bytes every decode step has to read (weights + KV cache), the FLOPs
// of the prefill, and the memory the weights and cache need. Everything comes from build_plan, the
// same counts `archscope analyze` reports.
#pragma once

#include <cstdint>
#include <optional>

#include "common/dtype.hpp"
#include "config/layer_range.hpp"
#include "config/model_config.hpp"
#include "quant/formats.hpp"

namespace archscope {

struct BenchShape {
  int64_t prompt = 512;      // prefill tokens per sequence
  int64_t new_tokens = 128;  // decode steps
  int64_t batch = 1;
  DType weights = DType::BF16;
  DType kv = DType::F32;
  DType activations = DType::F32;  // the CPU engine's activations are fp32
  // The block linear weights' scheme when they are held packed: their bytes are the scheme's
  // (PlanOptions::weights_quant). Absent: every weight at `weights`.
  std::optional<quant::Format> weights_quant;
};

struct BenchModel {
  uint64_t weights_bytes = 0;   // Σ param_bytes at the weight dtype
  uint64_t kv_bytes = 0;        // cache held after prompt + new_tokens, × batch
  uint64_t prefill_flops = 0;   // the prefill plan (batch × prompt tokens)
  uint64_t prefill_bytes = 0;   // its bytes read + written
  // Mean over the decode steps (context prompt .. prompt + new - 1) of the plan's bytes read per
  // step: the memory traffic that bounds decode from below.
  double decode_bytes_read_per_step = 0;
  double decode_flops_per_step = 0;
};

// Throws Error(Validation) for a non-positive prompt, new_tokens or batch.
// With a layer slice the figures cover the prologue, the slice's layers and the epilogue.
BenchModel bench_model(const ModelConfig& config, const BenchShape& shape,
                       const std::optional<LayerRange>& slice = std::nullopt);

}  // namespace archscope
