// Classes of identical layers: the layers of a model that do exactly the same work, so the time
// one of them takes stands for all of them (the whole-model estimate of a layer slice,
// profiler/metrics/slice_estimate.hpp). Two layers are in one class when their layer specs agree
// (attention kind and window, position kind, qk-norm, dense or MoE FFN) and, in every given plan,
// their op sequences are the same: same names, kinds, components, shapes, parameters, FLOPs and
// bytes, KV bytes included. Attention's cost depends on the context, so the plans should be those
// of the run itself (its prefill and its decode at the longest context it reaches); RoPE base
// frequencies are not part of it (they change values, not work).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/model_config.hpp"
#include "plan/plan.hpp"

namespace archscope {

struct LayerClass {
  std::string label;            // "full attention, dense FFN", "mla, MoE FFN", ...
  std::vector<int64_t> layers;  // ascending; the class's first layer comes first
  int64_t count() const { return static_cast<int64_t>(layers.size()); }
};

// Classes in order of their first layer. Every plan must have the same layers (one model);
// Error(Internal) otherwise, and for an empty list.
std::vector<LayerClass> layer_classes(const std::vector<const Plan*>& plans);

// The plans a profiled run of this shape executes: the prefill of `prompt` tokens per sequence
// (the last chunk at offset prompt - chunk when chunked: it attends to the most) and the decode
// step at the longest context (prompt + new_tokens - 1). Dtypes as the run's (weights, fp32 KV
// and activations on the engine).
struct RunShape {
  int64_t batch = 1;
  int64_t prompt = 1;
  int64_t new_tokens = 1;
  int64_t prefill_chunk = 0;  // 0: the whole prompt in one step
  DType weights = DType::BF16;
};
std::vector<LayerClass> layer_classes(const ModelConfig& config, const RunShape& shape);

}  // namespace archscope
