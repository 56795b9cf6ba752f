// Where weight values come from: a Hugging Face checkpoint or a seeded generator. The builder
// (build_weights.cpp) asks for every tensor by its Hugging Face name (without the "model." /
// "language_model." prefix) and exact HF shape, so both sources share the HF layout and the
// builder's reordering code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backend/tensor.hpp"

namespace archscope {

enum class TensorRole {
  Matrix,       // projection / expert / router weight; fan_in says its input width
  Embedding,    // token table (and untied LM head)
  Norm,         // norm weight used as w (around 1)
  NormOffset,   // norm weight used as 1 + w (around 0)
  Bias,         // additive bias, selection bias
  Conv,         // depthwise conv taps
  Sinks,        // attention sink logits
  DecayLog,     // Gated DeltaNet A_log
  DecayBias,    // Gated DeltaNet dt_bias
};

struct TensorRequest {
  std::string name;  // HF name without the model prefix, e.g. "layers.0.self_attn.q_proj.weight"
  Shape shape;
  TensorRole role = TensorRole::Matrix;
  int64_t fan_in = 0;  // Matrix / Embedding: input width (for the generator's scale)
  bool top_level = false;  // lm_head.weight lives outside "model."
};

class WeightSource {
 public:
  virtual ~WeightSource() = default;
  virtual bool has(const TensorRequest& request) const = 0;
  // fp32 values, row-major in `request.shape`. Throws Error naming the tensor when it is missing
  // or its shape / dtype disagrees with the config.
  virtual std::vector<float> read(const TensorRequest& request) = 0;
  // Called once every tensor was read: the HF source reports unexpected tensors here.
  virtual void finish() {}
};

}  // namespace archscope
