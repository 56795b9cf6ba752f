// Whether a model fits a device: the weights, the KV cache at the context and one step's peak live
// activations, against the memory of a hardware profile, and the smallest number of such devices
// that holds it with weights and KV cache split evenly. `archscope analyze` and the desktop app
// show these figures from this one function (docs/analysis.md defines them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "plan/hardware.hpp"
#include "plan/plan.hpp"

namespace archscope {

// The largest live activation set of one step of `plan`: the residual stream [rows, d_model]
// (live across every op) plus the largest working set of a single op, its activation inputs and
// output, at the plan's activation dtype. Fused attention keeps its scores on chip and reads the
// cache (counted as KV cache): attn_scores counts its query input only, attn_values its output
// only; kv_cache_write's output is the cache. Bytes; Error(Validation, "options") past 64 bits.
uint64_t peak_activation_bytes(const Plan& plan);

struct MemoryFit {
  uint64_t weights_bytes = 0;  // Σ param_bytes
  uint64_t kv_bytes = 0;       // KV cache and linear-attention state held at the context, × batch
  uint64_t activation_bytes = 0;          // max(prefill, decode) peak_activation_bytes
  uint64_t activation_bytes_prefill = 0;  // one prefill step of `context` tokens, last-row logits
  uint64_t activation_bytes_decode = 0;   // one decode step at `context` cached tokens
  uint64_t required_bytes = 0;            // weights + KV + activations
  // With a hardware profile that states its memory:
  std::optional<uint64_t> device_bytes;
  bool fits = false;  // required <= device_bytes
  // Smallest N >= 1 with (weights + KV) / N + activations <= device_bytes (each device holds one
  // step's activations); none when the activations alone exceed one device.
  std::optional<int64_t> min_devices;
};

// From the analysis' figures (weights, KV at context) and two plans built like its own: a prefill
// plan of `context` tokens with last-row logits (how generation runs) and the decode plan.
MemoryFit memory_fit(uint64_t weights_bytes, uint64_t kv_bytes, const Plan& prefill_last_row,
                     const Plan& decode, const std::optional<HardwareProfile>& hardware);

}  // namespace archscope
